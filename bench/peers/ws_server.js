// The Node.js `ws` peer of the load generator (docs/performance.md): a broadcast chat
// server speaking the subset of Pacte's protocol the generator uses, without persistence.
// A connection to /w/<room> joins that room. A `chat.post` request is parsed, answered
// ({id, ok, result}) and its event, shaped like Pacte's `chat.message_posted`, is
// serialised once and sent to every connection of the room (the author included).
//
//   node ws_server.js --port 9001 [--host 127.0.0.1]
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(option('--port', '9001'));
const host = option('--host', '127.0.0.1');

const rooms = new Map(); // room name → Set of sockets
const sequences = new Map(); // room name → last sequence number
let nextMessageId = 1;

const server = new WebSocketServer({ host, port, perMessageDeflate: false, maxPayload: 65536 });
server.on('connection', (socket, request) => {
  const match = /^\/w\/([A-Za-z0-9_-]{1,64})$/.exec(request.url ?? '');
  if (!match) {
    socket.close(1008, 'unknown room');
    return;
  }
  const room = match[1];
  if (!rooms.has(room)) rooms.set(room, new Set());
  rooms.get(room).add(socket);
  socket.send(JSON.stringify({ event: 'hello', data: { room, protocol: 1 } }));
  socket.on('close', () => rooms.get(room)?.delete(socket));
  socket.on('message', (data, isBinary) => {
    let request;
    try {
      request = JSON.parse(isBinary ? '' : data.toString('utf8'));
    } catch {
      socket.send(JSON.stringify({ ok: false, error: { code: 'bad_request', message: 'malformed JSON' } }));
      return;
    }
    if (request?.op === 'sync.subscribe') {
      socket.send(JSON.stringify({ id: request.id, ok: true, result: { workspaces: {} } }));
      return;
    }
    const body = request?.args?.body;
    if (request?.op !== 'chat.post' || typeof body !== 'string') {
      socket.send(JSON.stringify({ id: request?.id, ok: false, error: { code: 'bad_request', message: 'chat.post only' } }));
      return;
    }
    const seq = (sequences.get(room) ?? 0) + 1;
    sequences.set(room, seq);
    const time = new Date().toISOString();
    const message = { id: nextMessageId++, thread: request.args.thread ?? 0, author: 0, body, created_at: time };
    socket.send(JSON.stringify({ id: request.id, ok: true, result: { message, seq } }));
    const event = JSON.stringify({ event: 'chat.message_posted', workspace: room, seq, author: 0, time, data: { message } });
    for (const member of rooms.get(room)) member.send(event);
  });
});
server.on('listening', () => console.log(`ws peer listening on ws://${host}:${port}/w/<room>`));
