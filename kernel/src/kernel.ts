/**
 * This module contains the kernel's assembly: it binds the sockets first, so kernel_info is answered at once,
 * then starts the executor thread that loads the compiler, and wires transport → handler → executor.
 */
import { WorkerExecutor } from './executor/worker-executor.js';
import { logger } from './log.js';
import { JupyterHandler, type KernelPort } from './protocol/handler.js';
import { readConnectionFile } from './transport/connection.js';
import { ZmqTransport } from './transport/server.js';
import { MessageFactory } from './transport/wire.js';

export async function startKernel(connectionFile: string): Promise<void> {
  const info = readConnectionFile(connectionFile);
  const transport = await ZmqTransport.bind(info);
  const factory = new MessageFactory();
  const port: KernelPort = {
    reply: (channel, request, msgType, content, parts) =>
      void transport.send(channel, factory.create(msgType, content, request, parts, request.identities)),
    publish: (parent, msgType, content, parts) =>
      void transport.send(
        'iopub',
        factory.create(msgType, content, parent, parts, [
          Buffer.from(`kernel.${factory.session}.${msgType}`),
        ]),
      ),
  };
  const executor = new WorkerExecutor({ directory: process.cwd() });
  const handler = new JupyterHandler(port, executor, {
    onShutdown: () => {
      void transport.close().finally(() => process.exit(0));
    },
  });
  transport.listen((channel, message) => handler.handle(channel, message));

  // Jupyter interrupts this kernel with a message (interrupt_mode "message"); a stray SIGINT does the same.
  process.on('SIGINT', () => void executor.interrupt());
  process.on('SIGTERM', () => {
    void executor.shutdown().finally(() => void transport.close().finally(() => process.exit(0)));
  });
  watchParent(() => void executor.shutdown().finally(() => process.exit(0)));
  logger.info({ endpoints: transport.endpoints() }, 'kernel started');
}

/** Exits with the process that started the kernel (jupyter_client passes its pid), so no kernel is orphaned. */
function watchParent(exit: () => void): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      logger.warn({ parent }, 'the process that started the kernel is gone; exiting');
      clearInterval(timer);
      exit();
    }
  }, 2000);
  timer.unref();
}
