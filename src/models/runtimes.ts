/**
 * Where a package's code runs, as data: the toolchains of an app that is only served to browsers,
 * and the packages that put code on a server. A package that declares a browser toolchain and no
 * server package is browser code, whose `console` is the user's own devtools, not a server log.
 */

/** Build tools and UI frameworks of an app bundled for the browser (create-react-app, Vite, Angular, Vue...). */
export const BROWSER_APP_PACKAGES: ReadonlySet<string> = new Set([
  'react-scripts', 'vite', '@vitejs/plugin-react', '@vitejs/plugin-react-swc', '@vitejs/plugin-vue', '@angular/core', '@angular/cli',
  'vue', 'svelte', 'react-dom', 'preact', 'solid-js', 'parcel', 'webpack-dev-server', '@craco/craco', 'react-app-rewired',
]);

/** Packages that run code on a server or in a function: a package declaring one is not browser-only. */
export const SERVER_RUNTIME_PACKAGES: ReadonlySet<string> = new Set([
  'express', 'koa', 'fastify', '@nestjs/core', 'hono', 'next', 'nuxt', '@remix-run/node', '@remix-run/server-runtime', '@sveltejs/kit',
  '@trpc/server', 'apollo-server', '@apollo/server', 'graphql-yoga', 'aws-lambda', '@types/aws-lambda', '@middy/core', 'middy',
  'serverless', '@vercel/node', '@netlify/functions', 'electron', 'astro', '@angular/ssr', '@nguniversal/express-engine', 'vite-plugin-ssr',
]);

/**
 * Frameworks of command-line programs: a class they run as a command (decorated with one of
 * `decorators`, or extending one of `baseClasses`) prints to the terminal of the operator who ran
 * it, not to a server's log.
 */
export const CLI_COMMAND_FRAMEWORKS: Readonly<Record<string, { decorators: readonly string[]; baseClasses: readonly string[] }>> = {
  'nest-commander': { decorators: ['Command', 'SubCommand', 'RootCommand'], baseClasses: ['CommandRunner'] },
  '@oclif/core': { decorators: [], baseClasses: ['Command'] },
  '@oclif/command': { decorators: [], baseClasses: ['Command'] },
  clipanion: { decorators: [], baseClasses: ['Command'] },
};
