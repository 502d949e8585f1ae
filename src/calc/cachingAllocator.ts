// PyTorch's CUDA caching allocator, reduced to what decides how much memory it reserves
// (c10/cuda/CUDACachingAllocator.cpp, default settings): requests rounded to 512 B; up to 1 MiB from
// 2 MiB segments of a small pool, larger ones from a large pool; a new segment is 20 MiB for a request
// under 10 MiB, else the request rounded up to 2 MiB; the smallest cached free block that fits (the
// lowest in memory among equals) is taken and split when more than 1 MiB (small pool: 512 B) would be left; a freed block merges with
// its free neighbours in the same segment, never across segments. Nothing is given back to CUDA.
// Pure: no I/O.

const MiB = 2 ** 20;
const MIN_BLOCK = 512;
const SMALL_SIZE = MiB;
const SMALL_BUFFER = 2 * MiB;
const MIN_LARGE_ALLOC = 10 * MiB;
const LARGE_BUFFER = 20 * MiB;
const ROUND_LARGE = 2 * MiB;

interface Block {
  /** where the block starts: segments are laid out one after another, as cudaMalloc hands them out */
  address: number;
  size: number;
  free: boolean;
  small: boolean;
  prev: Block | null;
  next: Block | null;
}

export class CachingAllocator {
  private readonly freeBlocks = { small: new FreePool(), large: new FreePool() };
  private readonly live = new Map<number, Block>();
  private nextId = 1;
  private nextAddress = 0;
  /** bytes of segments obtained from CUDA */
  reserved = 0;
  /** bytes of live tensors, as requested after rounding */
  allocated = 0;
  peakReserved = 0;
  peakAllocated = 0;

  /** allocates a tensor of `bytes`; returns its handle for free() */
  malloc(bytes: number): number {
    const size = bytes < MIN_BLOCK ? MIN_BLOCK : Math.ceil(bytes / MIN_BLOCK) * MIN_BLOCK;
    const small = size <= SMALL_SIZE;
    const pool = small ? this.freeBlocks.small : this.freeBlocks.large;
    let block = pool.takeBestFit(size);
    if (!block) {
      const segment = small ? SMALL_BUFFER : size < MIN_LARGE_ALLOC ? LARGE_BUFFER : Math.ceil(size / ROUND_LARGE) * ROUND_LARGE;
      this.reserved += segment;
      this.peakReserved = Math.max(this.peakReserved, this.reserved);
      block = { address: this.nextAddress, size: segment, free: true, small, prev: null, next: null };
      this.nextAddress += segment;
    }
    const remaining = block.size - size;
    if (small ? remaining >= MIN_BLOCK : remaining > SMALL_SIZE) {
      const rest: Block = { address: block.address + size, size: remaining, free: true, small, prev: block, next: block.next };
      if (block.next) block.next.prev = rest;
      block.next = rest;
      block.size = size;
      pool.insert(rest);
    }
    block.free = false;
    this.allocated += block.size;
    this.peakAllocated = Math.max(this.peakAllocated, this.allocated);
    const id = this.nextId++;
    this.live.set(id, block);
    return id;
  }

  /** torch.cuda.empty_cache(): gives back every segment with nothing allocated in it */
  emptyCache(): void {
    for (const pool of [this.freeBlocks.small, this.freeBlocks.large]) {
      for (const block of pool.blocks()) {
        if (block.prev || block.next) continue;
        pool.remove(block);
        this.reserved -= block.size;
      }
    }
  }

  /** torch.cuda.reset_peak_memory_stats() */
  resetPeaks(): void {
    this.peakReserved = this.reserved;
    this.peakAllocated = this.allocated;
  }

  /** frees the tensors with these handles (an unknown or already freed one is ignored) */
  free(...ids: number[]): void {
    for (const id of ids) this.release(id);
  }

  private release(id: number): void {
    const block = this.live.get(id);
    if (!block) return;
    this.live.delete(id);
    this.allocated -= block.size;
    const pool = block.small ? this.freeBlocks.small : this.freeBlocks.large;
    block.free = true;
    let merged = block;
    if (merged.prev?.free) {
      pool.remove(merged.prev);
      merged = join(merged.prev, merged);
    }
    if (merged.next?.free) {
      pool.remove(merged.next);
      merged = join(merged, merged.next);
    }
    pool.insert(merged);
  }
}

/** the free block `left` takes in its neighbour `right` */
function join(left: Block, right: Block): Block {
  left.size += right.size;
  left.next = right.next;
  if (right.next) right.next.prev = left;
  return left;
}

/**
 * Cached free blocks by size, then address (PyTorch's BlockComparatorSize): the allocator takes the
 * smallest block that fits, the lowest in memory among blocks of that size.
 */
class FreePool {
  /** distinct sizes of free blocks, ascending */
  private readonly sizes: number[] = [];
  private readonly bySize = new Map<number, Block[]>();

  takeBestFit(size: number): Block | undefined {
    const at = lowerBound(this.sizes, size);
    if (at === this.sizes.length) return undefined;
    const found = this.sizes[at]!;
    const bucket = this.bySize.get(found)!;
    const block = bucket.shift()!;
    if (bucket.length === 0) this.drop(found, at);
    return block;
  }

  insert(block: Block): void {
    const bucket = this.bySize.get(block.size);
    if (bucket) {
      bucket.splice(lowerAddress(bucket, block.address), 0, block);
      return;
    }
    this.bySize.set(block.size, [block]);
    this.sizes.splice(lowerBound(this.sizes, block.size), 0, block.size);
  }

  remove(block: Block): void {
    const bucket = this.bySize.get(block.size)!;
    bucket.splice(lowerAddress(bucket, block.address), 1);
    if (bucket.length === 0) this.drop(block.size, lowerBound(this.sizes, block.size));
  }

  blocks(): Block[] {
    return [...this.bySize.values()].flat();
  }

  private drop(size: number, at: number): void {
    this.bySize.delete(size);
    this.sizes.splice(at, 1);
  }
}

/** index of the first block at or above `address` (a bucket is kept in address order) */
function lowerAddress(bucket: Block[], address: number): number {
  let lo = 0;
  let hi = bucket.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bucket[mid]!.address < address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** index of the first size of at least `size` bytes */
function lowerBound(sizes: number[], size: number): number {
  let lo = 0;
  let hi = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sizes[mid]! < size) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
