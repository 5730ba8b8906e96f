/**
 * The `sts.issuerAllowList` of every benchmarked wifkit: the bench's external issuers listen on
 * loopback as `localhost`, which STS-101 refuses unless an operator allow-lists it.
 */
export const BENCH_ISSUER_ALLOW_LIST = ['localhost']
