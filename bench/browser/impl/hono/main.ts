import { install, registerWorker } from '../../shared/page.js'
import { seedPlain } from '../../shared/seed.js'

install({ name: 'hono', start: () => registerWorker('/sw.js'), seed: seedPlain })
