import { install, registerWorker } from '../../shared/page.js'
import { seedSwasgi } from '../swasgi/seed.js'

install({ name: 'swasgi-routes', start: () => registerWorker('/sw.js'), seed: seedSwasgi })
