// swasgi where the App's own routes decide what the worker answers (no string `match`, so no
// static routes): every navigation wakes the worker, which leaves the ones the app does not route
// to the network. The "before" of swasgi-preload.
import { serve } from '../../../../src/sw/index.js'
import { app } from '../swasgi/app.js'

serve(app)
