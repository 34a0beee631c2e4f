// The live WebSocket (protocol.py): binary frames out, JSON messages in, one frame in flight.

const HEADER_BYTES = 20;
const FORMATS = { jpeg: 1, rgba: 2 };

export class LiveConnection {
  // handlers: { hello, settings, analysis, reset, error, close } (each optional); path: the
  // WebSocket's path (/ws; the programme page: /ws/programme/PATIENT)
  constructor(handlers, path = "/ws") {
    this.handlers = handlers;
    this.path = path;
    this.ws = null;
    this.pending = null; // { id, resolve }
    this.nextId = 1;
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${scheme}://${location.host}${this.path}`);
      ws.binaryType = "arraybuffer";
      ws.onopen = () => { this.ws = ws; resolve(this); };
      ws.onmessage = (event) => this.receive(JSON.parse(event.data));
      ws.onerror = () => reject(new Error("the WebSocket could not connect"));
      ws.onclose = (event) => {
        this.ws = null;
        this.settle(null);
        this.call("close", { code: event.code, reason: event.reason });
      };
    });
  }

  get ready() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  call(name, payload) { if (this.handlers[name]) this.handlers[name](payload); }

  receive(message) {
    if (message.type === "poses") {
      if (this.pending && message.frame === this.pending.id) this.settle(message);
    } else if (message.type === "error") {
      if (this.pending && message.frame === this.pending.id) this.settle(null);
      this.call("error", message);
    } else {
      this.call(message.type, message);
    }
  }

  settle(result) {
    const pending = this.pending;
    this.pending = null;
    if (pending) pending.resolve(result);
  }

  // Sends one frame (data: a JPEG Blob or RGBA ArrayBuffer); resolves with its `poses` message
  // (null if refused or closed).
  sendFrame(data, format, timestampMs, width, height) {
    if (!this.ready) return Promise.resolve(null);
    const id = this.nextId++;
    const header = new DataView(new ArrayBuffer(HEADER_BYTES));
    header.setUint32(0, id, true);
    header.setFloat64(4, timestampMs, true);
    header.setUint16(12, width, true);
    header.setUint16(14, height, true);
    header.setUint8(16, FORMATS[format]);
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      if (data instanceof Blob) {
        this.ws.send(new Blob([header.buffer, data]));
      } else {
        const message = new Uint8Array(HEADER_BYTES + data.byteLength);
        message.set(new Uint8Array(header.buffer), 0);
        message.set(new Uint8Array(data), HEADER_BYTES);
        this.ws.send(message);
      }
    });
  }

  sendSettings(settings) {
    if (this.ready) this.ws.send(JSON.stringify({ type: "settings", ...settings }));
  }

  // Starts these analysers over (the reset buttons); the server answers {"type": "reset"}.
  sendReset(analysers) {
    if (this.ready) this.ws.send(JSON.stringify({ type: "reset", analysers }));
  }

  // The programme page's buttons (start, next, pause, resume, redo, skip, stop).
  sendCommand(command) {
    if (this.ready) this.ws.send(JSON.stringify({ type: "command", command }));
  }

  close() { if (this.ws) this.ws.close(1000, "page closed the camera"); }
}
