import { install } from '../../shared/page.js'
import { seedPlain } from '../../shared/seed.js'
import { startMocks } from './mocks.js'

install({ name: 'msw', start: startMocks, seed: seedPlain })
