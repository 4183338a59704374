/** A user-supplied price, USD per million tokens (setting `loupe.pricing`). */
export interface PriceOverride {
  /** Model id or a glob-free prefix of it, matched case-insensitively. */
  model: string;
  provider?: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok?: number;
  cacheWritePerMTok?: number;
}
