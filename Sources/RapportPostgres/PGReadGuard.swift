import PostgresNIO

/// Sits at the head of every connection's pipeline and passes on a "read complete" only when it
/// completes a read somebody asked for and something was read.
///
/// Why: when the server goes away, NIO drains the socket without being asked to read, and fires
/// "read complete" on EOF even when nothing was read. postgres-nio 1.33's row stream traps
/// (`preconditionFailure`, SIGILL) on such a "read complete" while a scan waits for its consumer's
/// demand: a server stopped mid-refresh killed Rapport. The event carries nothing the doomed
/// connection needs; the channel goes inactive right after it and the query fails with the lost
/// connection, in words. In normal operation NIO fires "read complete" only after a requested read
/// that read something, so nothing else is ever held back.
final class PGReadGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var readRequested = false
    private var readSinceComplete = false

    func read(context: ChannelHandlerContext) {
        readRequested = true
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readSinceComplete = true
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let forward = readRequested && readSinceComplete
        readRequested = false
        readSinceComplete = false
        if forward { context.fireChannelReadComplete() }
    }
}
