// Which Python runs generated code (the tests and npm run bench:code).
import { execFileSync } from 'node:child_process';

/** The first Python that can import a module: the python3 on PATH, or Debian's own (which
 *  has python3-torch when that package is installed; a pyenv python3 on PATH does not). */
export function interpreterWith(module: string): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}
