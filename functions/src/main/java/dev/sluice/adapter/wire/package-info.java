/**
 * Wire formats that both ends of one AWS integration must read the same way, so they live in neither adapter:
 * the chunk message body the SQS sender writes and the load and dead-chunk handlers read
 * ({@link dev.sluice.adapter.wire.ChunkMessageCodec}), and the run item's progress attributes the DynamoDB
 * repositories write and the stream handler reads ({@link dev.sluice.adapter.wire.RunProgressItems}), and the SigV4
 * signed call that the Secrets Manager, Scheduler and Lambda adapters share
 * ({@link dev.sluice.adapter.wire.SignedAwsCall}). Code here
 * depends on the domain and the SDK types of the format only, never on an adapter, config or a use case;
 * {@code ArchitectureTest} checks it.
 */
package dev.sluice.adapter.wire;
