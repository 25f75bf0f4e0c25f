// swasgi: an App of 50 routes behind serve(), Starlette-style responses, the cookie jar on (the default).
import { serve } from '../../../../src/sw/index.js'
import { app } from './app.js'

serve(app, { match: '/bench/' })
