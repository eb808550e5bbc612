import type { ScannedSourceFile } from '../../../types.js';

/** Where a file sits in the Next.js file-system router, found from its path alone. */
export interface FileRoute {
  router: 'app' | 'pages';
  /** The Next.js package folder (posix, relative to the scan root; '' for the root itself). */
  packageRoot: string;
  /** `/api/orders/[id]` */
  path: string;
}

const ROUTE_FILE = /^route\.(?:ts|tsx|js|jsx|mjs)$/;
const PAGES_API_FILE = /\.(?:ts|tsx|js|jsx|mjs)$/;

/**
 * Uses the scan's package.json files to tell which folder is the Next.js package in a monorepo
 * (`apps/web/app/api/x/route.ts` serves `/api/x`).
 */
export class NextPackageFinder {
  constructor(private readonly packageJsons: ReadonlyMap<string, Record<string, unknown>>) {}

  /** The file's route, or undefined when it is not an App Router route file or a Pages API file. */
  fileRoute(file: ScannedSourceFile): FileRoute | undefined {
    const segments = file.path.split('/');
    const fileName = segments[segments.length - 1]!;
    const candidates: Array<{ router: FileRoute['router']; rootEnd: number; routeStart: number }> = [];
    for (let index = 0; index < segments.length - 1; index += 1) {
      const rootEnd = segments[index - 1] === 'src' ? index - 1 : index;
      if (segments[index] === 'app' && ROUTE_FILE.test(fileName)) candidates.push({ router: 'app', rootEnd, routeStart: index + 1 });
      if (segments[index] === 'pages' && segments[index + 1] === 'api' && index + 1 < segments.length - 1 && PAGES_API_FILE.test(fileName)) {
        candidates.push({ router: 'pages', rootEnd, routeStart: index + 1 });
      }
    }
    if (candidates.length === 0) return undefined;
    // The folder whose package.json depends on next wins; without one, the outermost candidate.
    const chosen = candidates.find((candidate) => this.isNextPackage(segments.slice(0, candidate.rootEnd).join('/'))) ?? candidates[0]!;
    const routeSegments = segments.slice(chosen.routeStart);
    const routePath = chosen.router === 'app' ? appRouterPath(routeSegments) : pagesRouterPath(routeSegments);
    if (routePath === undefined) return undefined;
    return { router: chosen.router, packageRoot: segments.slice(0, chosen.rootEnd).join('/'), path: routePath };
  }

  /** The folder of the nearest package.json above a file that depends on Next.js ('' for the scan root). */
  packageRootOf(filePath: string): string {
    const segments = filePath.split('/').slice(0, -1);
    for (let end = segments.length; end > 0; end -= 1) {
      const root = segments.slice(0, end).join('/');
      if (this.isNextPackage(root)) return root;
    }
    return '';
  }

  private isNextPackage(packageRoot: string): boolean {
    const pkg = this.packageJsons.get(packageRoot);
    if (!pkg) return false;
    return ['dependencies', 'devDependencies', 'peerDependencies'].some((key) => {
      const deps = pkg[key];
      return typeof deps === 'object' && deps !== null && 'next' in deps;
    });
  }
}

/** `app/(shop)/api/@modal/orders/[id]/route.ts` segments after `app` -> `/api/orders/[id]`. */
export function appRouterPath(segments: readonly string[]): string | undefined {
  const folders = segments.slice(0, -1);
  const kept: string[] = [];
  for (const folder of folders) {
    // `_private` folders opt out of routing, with everything below them.
    if (folder.startsWith('_')) return undefined;
    if (folder.startsWith('(') && folder.endsWith(')')) continue; // route group
    if (folder.startsWith('@')) continue; // parallel route slot
    kept.push(folder);
  }
  return `/${kept.join('/')}`;
}

/** `pages/api/orders/[id].ts` segments from `api` -> `/api/orders/[id]`; `index` names its folder. */
export function pagesRouterPath(segments: readonly string[]): string | undefined {
  const last = segments[segments.length - 1]!.replace(/\.[^.]+$/, '');
  if (segments.some((segment) => segment.startsWith('_'))) return undefined;
  const parts = [...segments.slice(0, -1), ...(last === 'index' ? [] : [last])];
  return `/${parts.join('/')}`;
}
