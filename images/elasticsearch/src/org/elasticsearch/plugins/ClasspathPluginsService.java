package org.elasticsearch.plugins;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.jdk.ModuleQualifiedExportsService;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PluginsService that reads no modules/ or plugins/ directory: it instantiates a fixed list of
 * plugin classes that are already on the application class path.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Settings settings, Path configPath, List<Class<? extends Plugin>> pluginClasses) {
        super(settings, configPath, null, null);
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
            loaded.add(new LoadedPlugin(descriptor, instance));
        }
        this.classpathPlugins = List.copyOf(loaded);
    }

    private static String pluginName(Class<? extends Plugin> pluginClass) {
        String simple = pluginClass.getSimpleName();
        return simple.equals("Netty4Plugin") ? "transport-netty4" : simple;
    }

    /** The server runs in the unnamed module here, so there are no qualified exports to record. */
    @Override
    protected void addServerExportsService(Map<String, List<ModuleQualifiedExportsService>> qualifiedExports) {}

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }
}
