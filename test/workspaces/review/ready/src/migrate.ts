import { Pool } from 'pg';
import { config } from './config';
import { logger } from './logger';

const pool = new Pool({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 2000 });
await pool.query('CREATE TABLE IF NOT EXISTS items (sku text PRIMARY KEY, name text NOT NULL)');
logger.info('migrations applied');
await pool.end();
