// /allreduce: the nccl-tests bandwidth model on the link catalog.
import { describe, expect, it } from 'vitest';
import { computeAllreduce } from '../commands/allreduce.ts';
import { algorithmBandwidth, ringAllReduceFactor } from '../src/calc/collectives.ts';
import { offlineContext } from './support/context.ts';
import { expectUsageError } from './support/usageError.ts';

const run = (text: string) => computeAllreduce(text, offlineContext());

describe('ring all-reduce', () => {
  it('moves 2(n−1)/n of the gradients through each GPU: 14 GB on 8 H100s over NVLink 4 (450 GB/s) takes 54.4 ms', async () => {
    const r = await run('grad=14GB gpus=8');
    expect(r.figures.bytesPerGpu!.value).toBeCloseTo(((2 * 7) / 8) * 14e9, 0);
    expect(r.figures.busBandwidth!.value).toBe(450e9);
    expect(r.figures.ringSeconds!.value).toBeCloseTo(24.5e9 / 450e9, 9);
    // algbw = bytes ÷ time = busbw × n ÷ 2(n−1)
    expect(r.figures.algorithmBandwidth!.value).toBeCloseTo((450e9 * 8) / 14, 0);
  });

  it("a model's gradients are its parameters at the gradient precision", async () => {
    const bf16 = await run('70b gpus=8');
    expect(bf16.figures.gradientBytes!.value).toBe(140e9);
    expect((await run('70b fp32 gpus=8')).figures.gradientBytes!.value).toBe(280e9);
  });

  it("across nodes the ring is bound by the node's network: 8 × 400 Gb/s NDR = 400 GB/s", async () => {
    const r = await run('70b gpus=64 nodes=8 link=ib-ndr');
    expect(r.figures.busBandwidth!.value).toBe(400e9);
    expect(r.figures.ringSeconds!.value).toBeCloseTo((ringAllReduceFactor(64) * 140e9) / 400e9, 9);
    expect(r.figures.hierarchicalSeconds!.value).toBeCloseTo((((2 * 7) / 8) * 140e9) / 450e9 + (((2 * 7) / 8) * 140e9) / 400e9, 9);
  });

  it("node-level links are shared by the node's GPUs, port-level links multiply by nics=", async () => {
    expect((await run('grad=14GB gpus=16 nodes=2 link=ethernet-25')).figures.busBandwidth!.value).toBe(25e9 / 8);
    expect((await run('grad=14GB gpus=16 nodes=2 link=ib-hdr nics=4')).figures.busBandwidth!.value).toBe((4 * 200e9) / 8);
    expect((await run('grad=14GB gpus=16 nodes=2 link=efa-p4d')).figures.busBandwidth!.value).toBe(400e9 / 8);
    expect((await run('grad=14GB gpus=4 gpus_per_node=1 link=100Gbps')).figures.busBandwidth!.value).toBe(100e9 / 8);
  });

  it('ZeRO-3 moves 1.5× the all-reduce', async () => {
    const r = await run('grad=14GB gpus=8');
    expect(r.figures.zero3Seconds!.value).toBeCloseTo(1.5 * r.figures.ringSeconds!.value, 9);
  });

  it('the bandwidth needed to hide the all-reduce in a share of the step', async () => {
    const r = await run('7b gpus=16 nodes=2 link=ethernet-25 step=1.2s overlap=80%');
    expect(r.figures.neededBusBandwidth!.value).toBeCloseTo((ringAllReduceFactor(16) * 14e9) / 0.96, 0);
    expect(r.summary).toMatch(/needs ≥ 27\.3 GB\/s to fit 80% of a 1\.20 s step/);
  });

  it('efficiency scales the link rate', async () => {
    expect((await run('grad=14GB gpus=8 eff=80%')).figures.busBandwidth!.value).toBeCloseTo(360e9, 0);
  });

  it('algbw is bytes over time', () => {
    expect(algorithmBandwidth(10e9, 0.1)).toBe(100e9);
  });
});

describe('bad input', () => {
  const rejects = (text: string, message: RegExp) => expectUsageError(run(text), message);

  it('answers with what to type', async () => {
    await rejects('gpus=8', /name a model .* or give the gradient size/);
    await rejects('70b grad=14GB gpus=8', /give one/);
    await rejects('grad=14GB gpus=16 nodes=2 link=carrier-pigeon', /link=carrier-pigeon is not a known link.*ib-ndr/);
    await rejects('grad=14GB gpus=8 link=ib-ndr', /fit one node; give nodes=/);
    await rejects('grad=14GB gpus=10 nodes=3', /whole number of GPUs per node|do not split/);
    await rejects('grad=14 apples gpus=8', /did not understand "apples"|is not a size in bytes/);
    await rejects('grad=14GB gpus=8 overlap=80%', /needs step=/);
    await rejects('70b fp32 bf16 gpus=8', /choose one gradient precision/);
  });
});
