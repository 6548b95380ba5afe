/**
 * @module The `alto-edge/client` entry: an ALTO (RFC 7285) client on `fetch` alone, for browsers,
 * Node ≥ 22 and Workers (docs/client.md).
 */
export {
  AltoClient,
  type ClientOptions,
  type CostTypeRef,
  type PathVectorAnswer,
  type ResourceChoice,
} from './client.ts'
export { mediaTypeParameter, parseMultipart, type MultipartPart } from './multipart.ts'
export { directoryUri, discover, MAX_IRDS, type Directory, type Resource } from './directory.ts'
export { AltoClientError, type ClientFailure, type OtherAltoError } from './errors.ts'
export { bodyTag, type FollowEvent, type FollowOptions, type UpdateEvent } from './follow.ts'
export { Transport, type FetchLike, type TransportOptions } from './http.ts'
export type { AltoError } from '../alto/errors.ts'
export type { CostType } from '../alto/cost-types.ts'
export type {
  EndpointCostRequest,
  EndpointPropertyRequest,
  FilteredCostMapRequest,
  FilteredNetworkMapRequest,
  PathVectorCostMapRequest,
  PathVectorEndpointCostRequest,
} from '../alto/request-schemas.ts'
export type * from '../alto/response-schemas.ts'
export type { CdniAdvertisementResponse, CdniFilterRequest } from '../alto/cdni.ts'
export { rank, type RankOptions, type RankedCandidate, type Ranking } from './rank.ts'
export {
  DEFAULT_POLICIES,
  fetcherRank,
  localities,
  mayFetchRemote,
  seededRandom,
  selectNeighbours,
  type Candidate,
  type PidCost,
  type PolicyName,
  type RemoteFetchState,
  type SelectionPolicy,
  type ThrottleOptions,
} from './peer-selection.ts'
export {
  applyNaptrRegexp,
  DiscoveryError,
  DnsDiscovery,
  lookupNames,
  type DiscoveryFailure,
  type DiscoveryOptions,
  type DiscoveryResult,
} from './discovery.ts'
export {
  fetchJwks,
  verifyAnswer,
  type Jwks,
  type SentQuestion,
  type VerifyFailure,
  type VerifyResult,
} from './verify.ts'
