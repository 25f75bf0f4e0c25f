import { install, registerWorker } from '../../shared/page.js'
import { seedPlain } from '../../shared/seed.js'

install({ name: 'workbox', start: () => registerWorker('/sw.js'), seed: seedPlain })
