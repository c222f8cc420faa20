package org.elasticsearch.node;

import org.elasticsearch.bootstrap.BootstrapCheck;
import org.elasticsearch.bootstrap.BootstrapContext;
import org.elasticsearch.bootstrap.LookalikeBootstrapChecks;
import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A regular Elasticsearch node whose plugins come from the class path instead of the
 * modules/ and plugins/ directories of a distribution. Runs the standard bootstrap checks.
 * The node gets an empty {@link PluginsLoader} (no bundles, so no module layers, jar-hell
 * checks or qualified exports); the plugins are instantiated by {@link ClasspathPluginsService}.
 */
public class ClasspathNode extends Node {

    public ClasspathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(environment, emptyPluginsLoader(), new ClasspathServiceProvider(plugins), true));
    }

    /** No modules, no plugins, no server exports: nothing is read from modules/ or plugins/. */
    private static PluginsLoader emptyPluginsLoader() {
        return PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false);
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
        PluginsService newPluginService(Environment environment, PluginsLoader pluginsLoader) {
            return new ClasspathPluginsService(environment.settings(), environment.configDir(), pluginsLoader, plugins);
        }
    }
}
