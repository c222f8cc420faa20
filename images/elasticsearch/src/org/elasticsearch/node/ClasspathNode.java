package org.elasticsearch.node;

import org.elasticsearch.bootstrap.BootstrapCheck;
import org.elasticsearch.bootstrap.BootstrapContext;
import org.elasticsearch.bootstrap.LookalikeBootstrapChecks;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsService;

import java.util.List;

/**
 * A regular Elasticsearch node whose plugins come from the class path instead of the
 * modules/ and plugins/ directories of a distribution. Runs the standard bootstrap checks.
 */
public class ClasspathNode extends Node {

    public ClasspathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(environment, new ClasspathServiceProvider(plugins), true));
    }

    @Override
    protected void validateNodeBeforeAcceptingRequests(
        BootstrapContext context,
        BoundTransportAddress boundTransportAddress,
        List<BootstrapCheck> checks
    ) throws NodeValidationException {
        LookalikeBootstrapChecks.check(context, boundTransportAddress, checks);
    }

    static final class ClasspathServiceProvider extends NodeServiceProvider {
        private final List<Class<? extends Plugin>> plugins;

        ClasspathServiceProvider(List<Class<? extends Plugin>> plugins) {
            this.plugins = plugins;
        }

        @Override
        PluginsService newPluginService(Environment environment, Settings settings) {
            return new ClasspathPluginsService(settings, environment.configFile(), plugins);
        }
    }
}
