import { describe, expect, it } from 'vitest';
import { parseSimArgs, simCommand } from '../../src/cli/commands/sim.js';
import { UsageError } from '../../src/cli/command.js';
import { captureIo as capture } from '../helpers/cli-io.js';


describe('ledger sim', () => {
  it('prints the JSON line last and exits 0 when no seed fails', async () => {
    // docs/protocol.md R12: the simulator reports safety and liveness over seeds
    const c = capture();
    const code = await simCommand.run(['--nodes', '4', '--byzantine', '1', '--seeds', '3', '--seed', '40', '--json'], c.io);
    expect(code).toBe(0);
    const json = JSON.parse(c.out[c.out.length - 1] as string) as Record<string, unknown>;
    expect(json).toEqual({ nodes: 4, byzantine: 1, seeds: 3, safetyViolations: 0, livenessFailures: 0, committedBlocks: expect.any(Number), failingSeeds: [] });
    expect(json['committedBlocks']).toBeGreaterThan(0);
  }, 120_000);

  it('refuses bad arguments with a usage error and prints help', async () => {
    // docs/protocol.md R1: n members tolerate at most floor((n-1)/3) Byzantine ones
    expect(() => parseSimArgs(['--nodes', '4', '--byzantine', '2', '--seeds', '1'])).toThrow(UsageError);
    expect(() => parseSimArgs(['--nodes', '4', '--seeds', '1'])).toThrow(UsageError);
    expect(() => parseSimArgs(['--nodes', 'x', '--byzantine', '0', '--seeds', '1'])).toThrow(UsageError);
    expect(() => parseSimArgs(['--bogus'])).toThrow(UsageError);
    expect(parseSimArgs(['--nodes', '7', '--byzantine', '2', '--seeds', '5'])).toEqual({ nodes: 7, byzantine: 2, seeds: 5, seed: 1, reconfigure: false, liveness: false, json: false, help: false });
    expect(parseSimArgs(['--nodes', '4', '--byzantine', '1', '--seeds', '1', '--liveness']).liveness).toBe(true);
    expect(parseSimArgs(['--nodes', '4', '--byzantine', '1', '--seeds', '2', '--reconfigure']).reconfigure).toBe(true);
    const c = capture();
    expect(await simCommand.run(['--help'], c.io)).toBe(0);
    expect(c.out.join('\n')).toMatch(/Usage: ledger sim --nodes N --byzantine F --seeds K/);
    expect(c.out.join('\n')).toMatch(/--reconfigure/);
  });

  it('runs member-change seeds with --reconfigure and keeps the JSON line fields', async () => {
    // docs/protocol.md R20: the simulator reports safety and liveness across member changes
    const c = capture();
    const code = await simCommand.run(['--nodes', '4', '--byzantine', '1', '--seeds', '3', '--seed', '40', '--reconfigure', '--json'], c.io);
    expect(code, c.err.join('\n')).toBe(0);
    const json = JSON.parse(c.out[c.out.length - 1] as string) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['nodes', 'byzantine', 'seeds', 'safetyViolations', 'livenessFailures', 'committedBlocks', 'failingSeeds']);
    expect(json['failingSeeds']).toEqual([]);
    expect(c.out[0]).toMatch(/member changes/);
  }, 120_000);
});
