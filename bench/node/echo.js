// A Node echo: socket.pipe(socket). Usage: node echo.js PORT [ADDRESS]
'use strict';
const net = require('node:net');

const port = Number(process.argv[2]);
const address = process.argv[3] || '127.0.0.1';

net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
}).listen({ port, host: address, backlog: 4096 });
