import { cleanEnv, port, str, url } from 'envalid';

// Fails at start-up, naming the variable, when one is missing or malformed.
export const config = cleanEnv(process.env, {
  PORT: port({ default: 8080 }),
  DATABASE_URL: url(),
  PRICING_URL: url(),
  UNLEASH_URL: url(),
  UNLEASH_TOKEN: str(),
});
