/**
 * Command execution as data: the functions that start a process, how each one runs its command,
 * the option that turns a shell on, and the programs that are shells. rules/command-injection.ts
 * holds the matching (imports resolved to these exports, the shell option in a literal or a local,
 * a script flag before the tainted element of an argument array). Adding a package is an entry here
 * and a fixture in fixtures/rules/command-injection.
 */

/**
 * How a function runs its first argument (the command, argument 0):
 * - `shell`: the string is handed to /bin/sh -c (or cmd.exe /d /s /c): every metacharacter counts;
 * - `argv`: a program and an argument array (argument 1): no shell unless asked for with the shell
 *   option, or unless the program is a shell given a script flag;
 * - `split`: one string split on spaces and run without a shell unless the shell option is set.
 */
export type CommandForm = 'shell' | 'argv' | 'split';

export interface CommandSinkModel {
  package: string;
  /** Exports (`default` for the package's default export). */
  functions: readonly string[];
  form: CommandForm;
}

export const COMMAND_SINKS: readonly CommandSinkModel[] = [
  { package: 'child_process', functions: ['exec', 'execSync'], form: 'shell' },
  { package: 'shelljs', functions: ['exec'], form: 'shell' },
  { package: 'child_process', functions: ['spawn', 'spawnSync', 'execFile', 'execFileSync'], form: 'argv' },
  { package: 'cross-spawn', functions: ['default', 'spawn', 'sync'], form: 'argv' },
  { package: 'execa', functions: ['default', 'execa', 'execaSync', 'execaNode'], form: 'argv' },
  { package: 'execa', functions: ['execaCommand', 'execaCommandSync'], form: 'split' },
];

/**
 * Methods of a client object that run a command string through a shell on another host: an SSH
 * session runs the command it is given with the remote user's login shell (`sh -c`), so every
 * metacharacter counts there as in `exec()`. By the class the package exports (`default` for the
 * default export) and the methods that take the command as their first argument.
 */
export interface InstanceCommandSinkModel {
  package: string;
  classes: readonly string[];
  methods: readonly string[];
}

export const INSTANCE_COMMAND_SINKS: readonly InstanceCommandSinkModel[] = [
  // `const conn = new Client(); conn.on('ready', () => conn.exec(command, cb))`
  { package: 'ssh2', classes: ['Client'], methods: ['exec'] },
  // `const ssh = new NodeSSH(); await ssh.execCommand(command)`; exec(command, args) shell-escapes args, not the command.
  { package: 'node-ssh', classes: ['NodeSSH', 'default'], methods: ['execCommand', 'exec'] },
  // `const ssh = new SSH2Promise(config); await ssh.exec(command)`
  { package: 'ssh2-promise', classes: ['default'], methods: ['exec', 'spawn'] },
];

/** The argument that holds the command (or the program), and the argument array of the `argv` form. */
export const COMMAND_ARGUMENT = 0;
export const ARGV_ARGUMENT = 1;

/** The option (in the options object after the command) that runs the command through a shell unless it is false. */
export const SHELL_OPTION = 'shell';

/** Programs that are shells, by name or in /bin and /usr/bin (compared ignoring case). */
export const SHELL_PROGRAMS: readonly string[] = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'cmd', 'cmd.exe', 'powershell', 'powershell.exe', 'pwsh'];
/** Flags that make a shell run the next argument as a script (compared exactly). */
export const SHELL_SCRIPT_FLAGS: ReadonlySet<string> = new Set(['-c', '/c', '/C', '-Command', '-command', '-lc', '-ic']);
