import winston from 'winston';
import { config } from './config.js';

export const logger = winston.createLogger({
  level: config.logLevel,
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'acme-shop' },
  transports: [new winston.transports.Console()],
});
