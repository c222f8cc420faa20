package org.elasticsearch.plugins;

import org.elasticsearch.common.settings.Settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PluginsService that reads no modules/ or plugins/ directory: it instantiates a fixed list of
 * plugin classes that are already on the application class path. The PluginsLoader it is given
 * is empty (see ClasspathNode), so the base class loads no bundles of its own.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(
        Settings settings,
        Path configPath,
        PluginsLoader emptyLoader,
        List<Class<? extends Plugin>> pluginClasses
    ) {
        super(settings, configPath, emptyLoader);
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            Plugin instance = loadPlugin(pluginClass, settings, configPath);
            PluginDescriptor descriptor = new PluginDescriptor(
                pluginName(pluginClass),
                "classpath plugin " + pluginClass.getName(),
                "NA",
                org.elasticsearch.Build.current().version(),
                "17",
                pluginClass.getName(),
                null,
                List.of(),
                false,
                false,
                false,
                false
            );
            loaded.add(new LoadedPlugin(descriptor, instance, pluginClass.getClassLoader()));
        }
        this.classpathPlugins = List.copyOf(loaded);
    }

    private static String pluginName(Class<? extends Plugin> pluginClass) {
        String simple = pluginClass.getSimpleName();
        return simple.equals("Netty4Plugin") ? "transport-netty4" : simple;
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }
}
