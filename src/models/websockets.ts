/**
 * WebSocket servers as data: the packages whose sockets deliver client messages, the events that
 * hand a server its connections, and the events a socket emits itself (lifecycle, never a
 * client's message). engine/frameworks/websocket reads these to find message handlers; adding a
 * library is an entry here and a fixture in fixtures/rules/sql-injection/src/websocket.
 */

export type SocketLibrary = 'socket.io' | 'ws';

export interface SocketLibraryModel {
  library: SocketLibrary;
  /** Modules that import the library (a file importing one of them registers its handlers). */
  modules: readonly string[];
  /** Exported types that name one client's socket in a parameter annotation (`socket: Socket`). */
  socketTypes: readonly string[];
  /** Server events whose listener receives a new client's socket as its first argument. */
  connectionEvents: readonly string[];
  /**
   * socket.io: every event a client emits is a message, except the socket's own lifecycle events;
   * ws: only `message` carries the client's data.
   */
  messageEvents: 'all-but-lifecycle' | readonly string[];
  /** Events the socket emits itself, with no client payload. */
  lifecycleEvents: readonly string[];
}

export const SOCKET_LIBRARIES: readonly SocketLibraryModel[] = [
  {
    library: 'socket.io',
    modules: ['socket.io'],
    socketTypes: ['Socket'],
    connectionEvents: ['connection'],
    messageEvents: 'all-but-lifecycle',
    lifecycleEvents: ['disconnect', 'disconnecting', 'error', 'connect_error', 'newListener', 'removeListener'],
  },
  {
    library: 'ws',
    modules: ['ws', 'isomorphic-ws'],
    socketTypes: ['WebSocket'],
    connectionEvents: ['connection'],
    messageEvents: ['message'],
    lifecycleEvents: ['close', 'error', 'open', 'ping', 'pong', 'upgrade', 'unexpected-response'],
  },
];

/** The methods that register a listener on a socket. */
export const LISTENER_METHODS: ReadonlySet<string> = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

/** NestJS gateways (@nestjs/websockets): the class and method decorators, and the parameter decorators by what they inject. */
export const NEST_WEBSOCKETS_MODULE = '@nestjs/websockets';
export const NEST_GATEWAY_DECORATOR = 'WebSocketGateway';
export const NEST_MESSAGE_DECORATOR = 'SubscribeMessage';
/** `@MessageBody()` injects the client's payload; `@ConnectedSocket()` the socket (no client data of its own). */
export const NEST_PAYLOAD_DECORATOR = 'MessageBody';

/** A handler parameter by one of these names is the acknowledgement callback socket.io passes last, not data. */
export const ACKNOWLEDGEMENT_NAME = /^(?:cb|callback|ack|acknowledge(?:ment)?|respond|reply|done|fn|res)$/i;
