// The V8 flags the gateway runs with in production (`npm start`, the image's CMD in docker-compose.yml; a test keeps
// the three in step). Every bench subject gets them, the floors and baselines too, so that a ratio compares the code
// and not the runtime's settings. A young generation of 2 x 32 MB instead of V8's 16 MB semi-spaces: a submission
// or a call allocates short-lived objects by the hundred, and with the default the scavenger ran often enough to
// cost 10 to 20 % of the intake's CPU (`npm run bench -- intake`, side by side, 2026-12-07).
export const PRODUCTION_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
