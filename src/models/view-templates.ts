/**
 * Server-side view templates as data: the template engines, the files they read, the output tags
 * that print a value without escaping it, and the framework calls that render a view with locals.
 * engine/views.ts reads the template files and resolves a view name to one; rules/xss-reflected.ts
 * judges the locals a render call hands over.
 */

/** One template engine: its file extensions and the tags that print a value raw (no HTML escaping). */
export interface TemplateEngineModel {
  engine: string;
  /** With the dot, lowercase; the first is the engine's own (what `app.set('view engine', 'hbs')` names). */
  extensions: readonly string[];
  /**
   * Raw output tags. Group 1 is the expression printed. Escaped output (`{{ x }}`, `<%= x %>`,
   * `#{x}`, `= x`) is what these engines do by default, so it is not listed.
   */
  rawOutputs: ReadonlyArray<{ pattern: RegExp; syntax: string }>;
  /** Names in an expression that are not a view local (helpers, keywords, the engine's own objects). */
  reservedNames: readonly string[];
  /** Raw outputs that print another template, not a local (EJS `<%- include('x') %>`). */
  templateOutputs?: readonly RegExp[];
  /**
   * Locals the engine's Express adapter reads as the path of another template file: hbs and
   * express-handlebars render the view inside the layout the `layout` local names, resolved under
   * the views folder, so `../` reaches any file the process can read (the whole request body passed
   * as locals lets a client set it: `res.render('account', req.body)` with `{"layout": "../../.env"}`).
   */
  fileChoosingLocals?: readonly string[];
}

export const TEMPLATE_ENGINES: readonly TemplateEngineModel[] = [
  {
    engine: 'handlebars',
    extensions: ['.hbs', '.handlebars'],
    rawOutputs: [
      { pattern: /\{\{\{~?\s*([^}]*?)\s*~?\}\}\}/g, syntax: '{{{ }}}' },
      { pattern: /\{\{~?&\s*([^}]*?)\s*~?\}\}/g, syntax: '{{& }}' },
    ],
    // `{{{ this.bio }}}` reads the context; `@root.x` the top-level locals.
    reservedNames: ['this', 'else', 'true', 'false', 'null', 'undefined', 'root', 'index', 'key', 'first', 'last'],
    fileChoosingLocals: ['layout'],
  },
  {
    engine: 'ejs',
    extensions: ['.ejs'],
    rawOutputs: [{ pattern: /<%-\s*([\s\S]*?)\s*-?%>/g, syntax: '<%- %>' }],
    // `locals.q` is the locals object itself.
    reservedNames: ['locals', 'include', 'partial', 'typeof', 'new', 'true', 'false', 'null', 'undefined', 'JSON', 'String', 'Number', 'Math', 'Date', 'encodeURIComponent', 'escape', 'function', 'return', 'var', 'let', 'const', 'if', 'else', 'this'],
    // ejs-mate's `<%- partial('x') %>` and `<%- body %>` (the rendered view inside its layout) print templates, not locals.
    templateOutputs: [/^(?:include|partial|block)\s*\(/, /^body$/],
  },
  {
    engine: 'pug',
    extensions: ['.pug', '.jade'],
    rawOutputs: [
      // `p!{bio}` interpolation, `div!= bio` buffered code, `a(href!=x)` attribute (`a != b` in code is a comparison).
      { pattern: /!\{([^}\n]*)\}/g, syntax: '!{ }' },
      { pattern: /(?:(?<=[\w)\]-])|^[ \t]*)!=(?!=)\s*([^\n)]+)/gm, syntax: '!=' },
    ],
    reservedNames: ['locals', 'typeof', 'new', 'true', 'false', 'null', 'undefined', 'JSON', 'String', 'Number', 'Math', 'Date', 'this'],
  },
  {
    engine: 'nunjucks',
    extensions: ['.njk', '.nunjucks'],
    rawOutputs: [{ pattern: /\{\{-?\s*([^}]*?\|\s*safe\b[^}]*?)\s*-?\}\}/g, syntax: '{{ | safe }}' }],
    reservedNames: ['safe', 'loop', 'true', 'false', 'none', 'null', 'and', 'or', 'not', 'if', 'else', 'in', 'is'],
  },
];

/** Every template file extension the scan loads (engine/files.ts). */
export const TEMPLATE_EXTENSIONS: readonly string[] = TEMPLATE_ENGINES.flatMap((engine) => engine.extensions);

/**
 * Views written as `.html` and bound to an engine by the app (`app.engine('html', require('ejs-mate'))`,
 * `app.engine('html', ejs.renderFile)`): loaded from a folder named `views` only, since an `.html`
 * file anywhere else is a static page.
 */
export const HTML_VIEW_EXTENSIONS: readonly string[] = ['.html', '.htm'];
export const HTML_VIEWS_FOLDER_PATTERN = '**/views/**/*.{html,htm}';

/** The packages an `app.engine(ext, ...)` registration names, by the engine whose syntax they read. */
export const ENGINE_PACKAGES: Readonly<Record<string, string>> = {
  ejs: 'ejs',
  'ejs-mate': 'ejs',
  'ejs-locals': 'ejs',
  'express-ejs-layouts': 'ejs',
  hbs: 'handlebars',
  handlebars: 'handlebars',
  'express-handlebars': 'handlebars',
  'express-hbs': 'handlebars',
  pug: 'pug',
  jade: 'pug',
  nunjucks: 'nunjucks',
};

/**
 * Calls that render a view by name with locals: Express `res.render(view, locals)`, Koa (koa-views)
 * `ctx.render(view, locals)`, Fastify (@fastify/view) `reply.view(view, locals)`; the owner is a
 * response/context object. NestJS `@Render(view)` renders the handler's return value.
 */
export const VIEW_RENDER_METHODS: ReadonlySet<string> = new Set(['render', 'view']);
export const NEST_RENDER_DECORATOR = 'Render';

/**
 * Where the views are and which engine reads them: Express `app.set('views', dir)` and
 * `app.set('view engine', ext)`; NestJS `app.setBaseViewsDir(dir)` / `app.setViewEngine(ext)`;
 * @fastify/view `{ root }` / koa-views `views(dir, { extension })` are found by the file-name fallback.
 * Express's default folder is `views` beside the process's working directory (the package root).
 */
export const VIEWS_FOLDER_SETTINGS: readonly string[] = ['views'];
export const VIEW_ENGINE_SETTINGS: readonly string[] = ['view engine'];
export const NEST_VIEWS_FOLDER_METHODS: readonly string[] = ['setBaseViewsDir'];
export const NEST_VIEW_ENGINE_METHODS: readonly string[] = ['setViewEngine'];
export const DEFAULT_VIEWS_FOLDER = 'views';

/**
 * React server rendering: functions that turn an element into HTML on the server (react-dom/server),
 * and the prop that writes its `__html` unescaped.
 */
export const REACT_SERVER_RENDERERS: ReadonlyArray<{ module: string; functions: readonly string[] }> = [
  { module: 'react-dom/server', functions: ['renderToString', 'renderToStaticMarkup', 'renderToPipeableStream', 'renderToReadableStream', 'renderToNodeStream', 'renderToStaticNodeStream'] },
];
export const RAW_HTML_PROP = 'dangerouslySetInnerHTML';
export const RAW_HTML_KEY = '__html';

/**
 * Next.js pages: the props a page component receives from the URL. App Router `page.tsx` gets
 * `{ params, searchParams }` (Promises in Next 15); Pages Router pages get what
 * `getServerSideProps(context)` returns from `context.query` / `context.params`.
 */
export const NEXT_PAGE_URL_PROPS: readonly string[] = ['searchParams', 'params'];
export const NEXT_SERVER_PROPS_FUNCTION = 'getServerSideProps';
export const NEXT_CONTEXT_URL_FIELDS: readonly string[] = ['query', 'params', 'resolvedUrl'];

/**
 * Calls that hand back request data they are given, as text or markup, when a page or component
 * builds `__html` from a URL value: conversions and decoders, React's `use(searchParams)`, and
 * markdown renderers (they keep raw HTML and do not sanitize). Any other call (a fetch, a database
 * read by an id from the URL) returns stored data, not the request's: not reflected.
 */
export const RAW_HTML_PASS_THROUGHS: readonly string[] = [
  'String', 'decodeURIComponent', 'decodeURI', 'unescape', 'atob', 'JSON.stringify', 'Array.from', 'Object.values', 'use', 'React.use',
  'marked', 'marked.parse', 'md.render', 'markdownIt.render', 'markdown.render', 'showdown.makeHtml', 'converter.makeHtml', 'micromark', 'snarkdown',
];
