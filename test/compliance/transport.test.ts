import { makeLibp2pCluster } from '../helpers/p2p-cluster.js';
import { transportSuite } from './transport.suite.js';

// Real sockets on 127.0.0.1 (free ports), default encrypter. The simulator's transport joins
// with one line once src/consensus/sim/sim-network.ts exists:
//   transportSuite('SimNetwork', (n) => makeSimCluster(n));
transportSuite('Libp2pTransport', (n) => makeLibp2pCluster(n));
