import { createRateLimitMemoryStore } from '../../src/rate-limit/index.js';
import { rateLimitStoreContract } from '../stores/rate-limit-contract.js';

rateLimitStoreContract('memory', (clock) => createRateLimitMemoryStore({ now: clock.now }));
