import { install, registerWorker } from '../../shared/page.js'
import { seedSwasgi } from './seed.js'

install({ name: 'swasgi', start: () => registerWorker('/sw.js'), seed: seedSwasgi })
