// A Byzantine member in a child process, for real-process tests:
//   node --import tsx test/helpers/hostile-member.ts '<genesis file>' '<key file>'
// Only import types from this file: importing it runs the member. It holds a valid member key
// and lies on channel 'sync': it claims head MAX_SAFE_INTEGER and serves hash-linked fake
// blocks from genesis (valid roots, the right epoch) whose certificate never comes. It never
// votes for or proposes a real block. It prints "READY" once listening and exits when stdin
// closes.
// The line "FLOOD <votes per second>" on stdin starts its attacks on the consensus channel
// (flood.ts); it then prints "FLOODED <json counts>" about once a second.
import '../../src/p2p/polyfill.js';
import { readFile } from 'node:fs/promises';
import { encodeHeader } from '../../src/codec/block.js';
import { genesisFromJson } from '../../src/codec/genesis.js';
import { decodeSyncMessage, encodeSyncMessage } from '../../src/codec/sync.js';
import { sha256 } from '../../src/crypto/hash.js';
import { loadKeyFile } from '../../src/crypto/keys.js';
import { Libp2pTransport } from '../../src/p2p/libp2p-transport.js';
import { executeBlock } from '../../src/state/executor.js';
import { buildGenesisState, genesisHash } from '../../src/state/genesis-state.js';
import type { BlockHeader, CommittedBlock } from '../../src/types/block.js';
import { bytesEqual } from '../../src/util/bytes.js';
import { Flood } from './hostile-flood.js';

async function main(): Promise<void> {
  const genesis = genesisFromJson(JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')));
  const key = await loadKeyFile(process.argv[3] ?? '');
  const self = genesis.members.findIndex((m) => bytesEqual(m.publicKey, key.publicKey));
  const me = genesis.members[self];
  if (me === undefined) throw new Error('the key is not a genesis member');
  // Empty blocks on genesis: each executes (correct roots), links by hash, names epoch 0.
  let state = buildGenesisState(genesis).state;
  const fakes: CommittedBlock[] = [];
  let parentHash = genesisHash(genesis);
  let time = genesis.genesisTimeMs;
  const fake = (height: number): CommittedBlock => {
    while (fakes.length < height) {
      const h = fakes.length + 1;
      const r = executeBlock({ state, height: h, blockTimeMs: ++time, chainId: genesis.chainId, txs: [] });
      if (!r.valid) throw new Error('an empty block is valid');
      state = r.state;
      const header: BlockHeader = {
        chainId: genesis.chainId, epoch: 0, height: h, view: 1_000_000 + h, parentHash, txRoot: r.txRoot, stateRoot: r.stateRoot,
        receiptsRoot: r.receiptsRoot, proposer: self, timestampMs: time, parentQc: null,
      };
      const hash = sha256(encodeHeader(header));
      const qcData = { epoch: 0, view: header.view + 1, height: h + 1, blockHash: hash, parentView: header.view, parentHash: hash };
      fakes.push({ block: { header, txs: [] }, hash, commitQc: { data: qcData, signatures: [] }, certifiedHeight: Number.MAX_SAFE_INTEGER - 1 });
      parentHash = hash;
    }
    return fakes[height - 1] as CommittedBlock;
  };
  const transport = new Libp2pTransport({ self, members: genesis.members, seed: key.seed, listen: me.address });
  let served = 0;
  const flood = new Flood({ chainId: genesis.chainId, self, members: genesis.members.length, key, transport });
  transport.onMessage((from, channel, bytes) => {
    if (channel === 'consensus') flood.observe(from, bytes);
    if (channel !== 'sync') return;
    let m;
    try {
      m = decodeSyncMessage(bytes);
    } catch {
      return;
    }
    if (m.kind === 'getHead') transport.send(from, 'sync', encodeSyncMessage({ kind: 'head', height: Number.MAX_SAFE_INTEGER }));
    if (m.kind === 'getBlocks') {
      const blocks = Array.from({ length: m.limit }, (_, i) => fake(m.from + i));
      served += blocks.length;
      transport.send(from, 'sync', encodeSyncMessage({ kind: 'blocks', blocks }));
      process.stdout.write(`SERVED ${served}\n`);
    }
  });
  await transport.start();
  process.stdin.on('data', (d: Buffer) => {
    const m = /^FLOOD (\d+)$/m.exec(d.toString());
    if (m) flood.start(Number(m[1]), (counts) => process.stdout.write(`FLOODED ${JSON.stringify(counts)}\n`));
  });
  process.stdin.on('end', () => {
    flood.stop();
    void transport.stop().then(() => process.exit(0));
  });
  process.stdout.write('READY\n');
}

void main();
