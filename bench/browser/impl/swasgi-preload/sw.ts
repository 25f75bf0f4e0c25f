// swasgi-routes with navigation preload: a navigation the app does not route is already on its way
// to the server while the stopped worker starts, and the worker answers with that response.
import { serve } from '../../../../src/sw/index.js'
import { app } from '../swasgi/app.js'

serve(app, { navigationPreload: true })
