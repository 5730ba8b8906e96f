export { type Clock, systemClock, epochSeconds, ManualClock } from './clock.js'
export { createFileAtomic, writeFileAtomic } from './atomic_file.js'
export { sha256Hex, sha256Base64Url, constantTimeEqual } from './hash.js'
export { BatchWriter, type BatchWriterOptions } from './batch_writer.js'
