package org.elasticsearch.bootstrap;

import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.discovery.DiscoveryModule;
import org.elasticsearch.node.NodeValidationException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs the standard bootstrap checks with the stock rules (enforced when transport binds a
 * non-loopback address, unless discovery.type=single-node). The all-permission check is left
 * out: it inspects the security manager, which this launcher does not install.
 */
public final class LookalikeBootstrapChecks {
    private LookalikeBootstrapChecks() {}

    public static void check(BootstrapContext context, BoundTransportAddress address, List<BootstrapCheck> extra)
        throws NodeValidationException {
        List<BootstrapCheck> checks = new ArrayList<>();
        for (BootstrapCheck c : BootstrapChecks.checks()) {
            if ((c instanceof BootstrapChecks.AllPermissionCheck) == false) {
                checks.add(c);
            }
        }
        checks.addAll(extra);
        boolean enforce = BootstrapChecks.enforceLimits(address, DiscoveryModule.DISCOVERY_TYPE_SETTING.get(context.settings()));
        BootstrapChecks.check(context, enforce, Collections.unmodifiableList(checks));
    }
}
