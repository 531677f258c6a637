import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesisFromJson } from '../../../src/codec/genesis.js';
import type { SigningKey } from '../../../src/crypto/ed25519.js';
import { generateSigningKey, saveKeyFile } from '../../../src/crypto/keys.js';
import {
  buildCeremonyGenesis, consensusWith, GenesisInputError, parseAccountSpec, parseAddress, parseMemberSpec, readGenesisFile, writeGenesisFile,
} from '../../../src/node/genesis-ceremony.js';
import { DEFAULT_CONSENSUS } from '../../../src/node/init-consortium.js';
import { loadNodeConfig } from '../../../src/node/config.js';
import { writeMemberConfig } from '../../../src/node/member-config.js';
import { genesisHash } from '../../../src/state/genesis-state.js';
import { toHex } from '../../../src/util/bytes.js';

const keys: SigningKey[] = Array.from({ length: 5 }, () => generateSigningKey());
const key = (i: number): SigningKey => keys[i] as SigningKey;
const pk = (i: number): string => toHex(key(i).publicKey);

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GenesisInputError);
    return (e as Error).message;
  }
  throw new Error('expected a GenesisInputError');
}

describe('genesis ceremony: what the coordinator types', () => {
  it('addresses: HOST:PORT becomes the multiaddr libp2p dials; multiaddrs pass as they are', () => {
    expect(parseAddress('ledger.bank-a.example:9080', 'x')).toBe('/dns4/ledger.bank-a.example/tcp/9080');
    expect(parseAddress('10.0.0.5:9081', 'x')).toBe('/ip4/10.0.0.5/tcp/9081');
    expect(parseAddress('[fd00::5]:9082', 'x')).toBe('/ip6/fd00::5/tcp/9082');
    expect(parseAddress('/dns4/member1/tcp/9080', 'x')).toBe('/dns4/member1/tcp/9080');
    expect(parseAddress('/ip4/127.0.0.1/tcp/9101', 'x')).toBe('/ip4/127.0.0.1/tcp/9101');
  });

  it('refuses addresses nobody can dial, with the reason', () => {
    expect(inputError(() => parseAddress('host-without-port', 'x'))).toMatch(/not HOST:PORT/);
    expect(inputError(() => parseAddress('h:0', 'x'))).toMatch(/port "0"/);
    expect(inputError(() => parseAddress('h:65536', 'x'))).toMatch(/port "65536"/);
    expect(inputError(() => parseAddress('0.0.0.0:9080', 'x'))).toMatch(/can dial/);
    expect(inputError(() => parseAddress('[::]:9080', 'x'))).toMatch(/can dial/);
    expect(inputError(() => parseAddress('300.1.1.1:9080', 'x'))).toMatch(/can dial/);
    expect(inputError(() => parseAddress('bad_host!:9080', 'x'))).toMatch(/not a host name/);
    expect(inputError(() => parseAddress('/ip4/1.2.3.4/udp/9080', 'x'))).toMatch(/tcp/);
    expect(inputError(() => parseAddress('/nope/x', 'x'))).toMatch(/not a multiaddr/);
  });

  it('member and account specs name the bad part', () => {
    const m = parseMemberSpec(`bank-a=${pk(0)}@ledger.bank-a.example:9080`);
    expect(m).toEqual({ name: 'bank-a', publicKey: keys[0]?.publicKey, address: '/dns4/ledger.bank-a.example/tcp/9080' });
    expect(parseMemberSpec(`b=0x${pk(1).toUpperCase()}@h:1`).publicKey).toEqual(keys[1]?.publicKey);
    expect(inputError(() => parseMemberSpec(`bank-a=${pk(0)}`))).toMatch(/expected NAME=PUBKEY@HOST:PORT/);
    expect(inputError(() => parseMemberSpec(`bank a=${pk(0)}@h:1`))).toMatch(/name "bank a"/);
    expect(inputError(() => parseMemberSpec('a=abcd@h:1'))).toMatch(/"abcd" is not a public key/);
    // 32 bytes that are not a curve point: a typo keygen cannot have printed.
    expect(inputError(() => parseMemberSpec(`a=${'ff'.repeat(32)}@h:1`))).toMatch(/not a valid ed25519 public key/);
    expect(parseAccountSpec(`erp-1=${pk(2)}:integrator`)).toEqual({ name: 'erp-1', publicKey: keys[2]?.publicKey, role: 'integrator' });
    expect(inputError(() => parseAccountSpec(`x=${pk(2)}:member`))).toMatch(/give them with --member/);
    expect(inputError(() => parseAccountSpec(`x=${pk(2)}:admin`))).toMatch(/role "admin" is not one of integrator, auditor, regulator/);
    expect(inputError(() => parseAccountSpec(`x=${pk(2)}`))).toMatch(/NAME=PUBKEY:ROLE/);
  });

  it('consensus overrides: known keys and integers only, checked as a node checks them', () => {
    expect(consensusWith(['viewTimeoutMs=3000'])).toEqual({ ...DEFAULT_CONSENSUS, viewTimeoutMs: 3000 });
    expect(inputError(() => consensusWith(['nope=1']))).toMatch(/unknown key "nope"/);
    expect(inputError(() => consensusWith(['viewTimeoutMs=fast']))).toMatch(/KEY=INTEGER/);
    const base = { chainId: 'c', genesisTimeMs: 1, members: [parseMemberSpec(`a=${pk(0)}@h:1`)], accounts: [] };
    expect(inputError(() => buildCeremonyGenesis({ ...base, consensus: consensusWith(['heartbeatMinutes=2000']) }))).toMatch(/would not load: consensus.heartbeatMinutes/);
  });

  it('refuses duplicates, an empty member list and a bad chain id', () => {
    const a = parseMemberSpec(`a=${pk(0)}@h:1`);
    const base = { chainId: 'c', genesisTimeMs: 1, consensus: DEFAULT_CONSENSUS, accounts: [] };
    expect(inputError(() => buildCeremonyGenesis({ ...base, members: [] }))).toMatch(/at least one --member/);
    expect(inputError(() => buildCeremonyGenesis({ ...base, members: [a, { ...a, address: '/dns4/h/tcp/2' }], accounts: [] }))).toMatch(/name "a" is given twice/);
    expect(inputError(() => buildCeremonyGenesis({ ...base, members: [a, { ...a, name: 'b', address: '/dns4/h/tcp/2' }] }))).toMatch(/public key .* given twice/);
    expect(inputError(() => buildCeremonyGenesis({ ...base, members: [a, parseMemberSpec(`b=${pk(1)}@h:1`)] }))).toMatch(/two members give the address \/dns4\/h\/tcp\/1/);
    expect(inputError(() => buildCeremonyGenesis({ ...base, members: [a], accounts: [parseAccountSpec(`a2=${pk(0)}:auditor`)] }))).toMatch(/given twice/);
    expect(inputError(() => buildCeremonyGenesis({ ...base, chainId: 'has space', members: [a] }))).toMatch(/--chain-id/);
  });
});

describe('genesis ceremony: files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-ceremony-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('same inputs give the same hash; the file reads back as the node reads it; no silent overwrite', async () => {
    const input = {
      chainId: 'scf-1', genesisTimeMs: 1_800_000_000_000, consensus: DEFAULT_CONSENSUS,
      members: [0, 1, 2, 3].map((i) => parseMemberSpec(`bank-${i}=${pk(i)}@bank-${i}.example:9080`)),
      accounts: [parseAccountSpec(`auditor-1=${pk(4)}:auditor`)],
    };
    const a = buildCeremonyGenesis(input);
    expect(toHex(buildCeremonyGenesis(input).hash)).toBe(toHex(a.hash));
    expect(toHex(buildCeremonyGenesis({ ...input, members: [...input.members].reverse() }).hash)).not.toBe(toHex(a.hash));
    const file = join(dir, 'genesis.json');
    await writeGenesisFile(file, a.genesis, false);
    const json: unknown = JSON.parse(await readFile(file, 'utf8'));
    expect(toHex(genesisHash(genesisFromJson(json)))).toBe(toHex(a.hash));
    expect(toHex((await readGenesisFile(file)).hash)).toBe(toHex(a.hash));
    await expect(writeGenesisFile(file, a.genesis, false)).rejects.toMatchObject({ code: 'GENESIS_EXISTS' });
    await writeGenesisFile(file, buildCeremonyGenesis({ ...input, chainId: 'scf-2' }).genesis, true);
    expect((await readGenesisFile(file)).genesis.chainId).toBe('scf-2');
    await writeFile(join(dir, 'bad.json'), '{"chainId": "x"}');
    await expect(readGenesisFile(join(dir, 'bad.json'))).rejects.toMatchObject({ code: 'GENESIS_INVALID' });
    await expect(readGenesisFile(join(dir, 'none.json'))).rejects.toMatchObject({ code: 'GENESIS_UNREADABLE' });
  });

  it("a member's config: name and p2p port from its genesis entry, paths relative to the config", async () => {
    const members = [0, 1, 2, 3].map((i) => parseMemberSpec(`bank-${i}=${pk(i)}@127.0.0.1:${9200 + i}`));
    const { genesis } = buildCeremonyGenesis({ chainId: 'cfg-1', genesisTimeMs: 1, consensus: DEFAULT_CONSENSUS, members, accounts: [] });
    const genesisFile = join(dir, 'cfg-genesis.json');
    await writeGenesisFile(genesisFile, genesis, true);
    const keyFile = join(dir, 'k2.key.json');
    await saveKeyFile(keyFile, key(2));
    const out = join(dir, 'm2', 'member.config.json');
    await mkdir(join(dir, 'm2'));
    const res = await writeMemberConfig({ genesisFile, keyFile, out, force: false });
    expect(res).toMatchObject({ name: 'bank-2', index: 2, members: 4 });
    const written = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ name: 'bank-2', keyFile: '../k2.key.json', genesisFile: '../cfg-genesis.json', dataDir: 'data', p2pListen: '/ip4/127.0.0.1/tcp/9202', apiHost: '127.0.0.1', apiPort: 8080 });
    const loaded = await loadNodeConfig(out, {});
    expect(loaded.keyFile).toBe(keyFile);
    expect(loaded.dataDir).toBe(join(dir, 'm2', 'data'));
    await expect(writeMemberConfig({ genesisFile, keyFile, out, force: false })).rejects.toMatchObject({ code: 'CONFIG_EXISTS' });
    await expect(writeMemberConfig({ genesisFile, keyFile, out, force: true, name: 'bank-1' })).rejects.toMatchObject({ code: 'MEMBER_NAME_MISMATCH' });
    const other = join(dir, 'k4.key.json');
    await saveKeyFile(other, key(4));
    await expect(writeMemberConfig({ genesisFile, keyFile: other, out, force: true })).rejects.toMatchObject({ code: 'MEMBER_NOT_IN_GENESIS' });
    await expect(writeMemberConfig({ genesisFile, keyFile: other, out, force: true, name: 'bank-1' })).rejects.toMatchObject({ code: 'MEMBER_KEY_MISMATCH' });
    await expect(writeMemberConfig({ genesisFile, keyFile, out, force: true, p2pListen: 'not-an-addr' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    // A member to be voted in later: its own name, the default p2p port.
    const joiner = await writeMemberConfig({ genesisFile, keyFile: other, out, force: true, name: 'bank-new', apiPort: 8090 });
    expect(joiner).toMatchObject({ name: 'bank-new', index: null });
    expect(joiner.config).toMatchObject({ p2pListen: '/ip4/0.0.0.0/tcp/9080', apiPort: 8090 });
  });
});
