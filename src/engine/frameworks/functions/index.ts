/**
 * Serverless functions routed by their file's place in a folder: Vercel's `api/` and Netlify's
 * functions folder. Their handlers and wrappers read as the Next.js Pages API's do; Netlify's
 * Lambda-compatible handlers as AWS Lambda's.
 */
export { netlifyAdapter } from './netlify.js';
export { vercelAdapter } from './vercel.js';
