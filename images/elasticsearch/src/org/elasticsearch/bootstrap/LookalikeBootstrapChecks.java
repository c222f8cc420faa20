package org.elasticsearch.bootstrap;

import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.node.NodeValidationException;

import java.util.List;

/**
 * Runs the standard bootstrap checks with the stock rules (enforced when transport binds a
 * non-loopback address, unless discovery.type=single-node), as the stock launcher's node does;
 * BootstrapChecks.check is package-private, hence this class in its package.
 */
public final class LookalikeBootstrapChecks {
    private LookalikeBootstrapChecks() {}

    public static void check(BootstrapContext context, BoundTransportAddress address, List<BootstrapCheck> extra)
        throws NodeValidationException {
        BootstrapChecks.check(context, address, extra);
    }
}
