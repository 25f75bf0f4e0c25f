import { install, registerWorker } from '../../shared/page.js'
import { seedSwasgi } from '../swasgi/seed.js'

install({ name: 'swasgi-preload', start: () => registerWorker('/sw.js'), seed: seedSwasgi })
