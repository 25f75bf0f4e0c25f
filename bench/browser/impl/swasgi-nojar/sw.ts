// swasgi without the cookie jar (`cookies: false`): the same app as bench/browser/impl/swasgi.
import { serve } from '../../../../src/sw/index.js'
import { app } from '../swasgi/app.js'

serve(app, { match: '/bench/', cookies: false })
