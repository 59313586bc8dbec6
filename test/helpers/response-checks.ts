import { checkResponsesAgainstZod } from '../../src/http/serializer.js';

/**
 * Vitest setup file (vitest.config.ts `setupFiles`): in the test suite every response is serialised by
 * zod, which checks it against the route's schema as before, and by the compiled serialiser the emulator
 * answers with outside tests; any difference in bytes fails the request (src/http/serializer.ts).
 */
checkResponsesAgainstZod();
