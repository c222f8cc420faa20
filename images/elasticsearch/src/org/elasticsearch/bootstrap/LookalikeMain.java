package org.elasticsearch.bootstrap;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.node.NodeValidationException;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import stackharness.elasticsearch.CompatPlugin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Entry point of the look-alike server process: the part of the stock launcher that matters in a
 * container (settings from -E arguments and environment variables, ES logging, natives, the node
 * with its bootstrap checks, graceful stop on SIGTERM), without the CLI process, keystore,
 * entitlements (wired only by the stock bootstrap.Elasticsearch) or module layers.
 */
public final class LookalikeMain {

    /** Lower-case names with at least one dot, e.g. discovery.type, are settings. */
    private static final Pattern DOTTED_SETTING = Pattern.compile("[a-z0-9_\\-]+(\\.[a-z0-9_\\-]+)+");
    /** ES_SETTING_DISCOVERY_TYPE style names: '_' separates words, '__' stands for '_'. */
    private static final Pattern PREFIXED_SETTING = Pattern.compile("ES_SETTING(_{1,2}[A-Z0-9]+)+");

    static final int EXIT_USAGE = 64;
    static final int EXIT_CONFIG = 78;

    private static final CountDownLatch keepAlive = new CountDownLatch(1);
    private static volatile Node node;

    private LookalikeMain() {}

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("es.path.home", "/usr/share/elasticsearch")).toAbsolutePath();
        Path conf = Path.of(System.getProperty("es.path.conf", home.resolve("config").toString())).toAbsolutePath();

        Map<String, String> cliSettings = new LinkedHashMap<>();
        try {
            settingsFromEnvironment(System.getenv(), cliSettings);
            settingsFromArguments(args, cliSettings);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(EXIT_USAGE);
        }

        LogConfigurator.registerErrorListener();
        final Environment environment;
        try {
            Settings base = Settings.builder().put(Environment.PATH_HOME_SETTING.getKey(), home.toString()).build();
            environment = InternalSettingsPreparer.prepareEnvironment(base, cliSettings, conf, LookalikeMain::hostname);
            // Both before configure(): the 8.19 ECS layout reads the cluster name when it is built.
            LogConfigurator.setClusterName(ClusterName.CLUSTER_NAME_SETTING.get(environment.settings()).value());
            LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
            LogConfigurator.configure(environment, true);
        } catch (Exception e) {
            System.err.println("ERROR: could not prepare settings or logging: " + e);
            e.printStackTrace();
            System.exit(EXIT_CONFIG);
            return;
        }

        Logger logger = LogManager.getLogger(Elasticsearch.class); // same logger name as the stock launcher
        Thread.setDefaultUncaughtExceptionHandler(new ElasticsearchUncaughtExceptionHandler());
        try {
            BootstrapInfo.init();
            environment.validateTmpDir();
            Settings settings = environment.settings();
            Elasticsearch.initializeNatives(
                environment.tmpDir(),
                BootstrapSettings.MEMORY_LOCK_SETTING.get(settings),
                true,
                BootstrapSettings.CTRLHANDLER_SETTING.get(settings)
            );
            Elasticsearch.initializeProbes();
            Elasticsearch.checkLucene();

            List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, CompatPlugin.class);
            node = new ClasspathNode(environment, plugins);
            Runtime.getRuntime().addShutdownHook(new Thread(LookalikeMain::shutdown, "elasticsearch-shutdown"));
            Thread keepAliveThread = new Thread(() -> {
                try {
                    keepAlive.await();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "elasticsearch[keepAlive/" + Node.NODE_NAME_SETTING.get(settings) + "]");
            keepAliveThread.setDaemon(false);
            keepAliveThread.start();
            node.start();
        } catch (NodeValidationException e) {
            logger.error("node validation exception\n{}", e.getMessage());
            System.exit(EXIT_CONFIG);
        } catch (Throwable t) {
            logger.error("fatal exception while booting Elasticsearch", t);
            System.exit(1);
        }
    }

    /** The default node name, as upstream: the HOSTNAME variable (the container's host name). */
    private static String hostname() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isEmpty()) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                name = "localhost";
            }
        }
        return name;
    }

    static void settingsFromEnvironment(Map<String, String> env, Map<String, String> into) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (DOTTED_SETTING.matcher(name).matches()) {
                into.put(name, e.getValue());
            } else if (PREFIXED_SETTING.matcher(name).matches()) {
                String key = name.substring("ES_SETTING_".length())
                    .replace("__", "\u0000")
                    .replace('_', '.')
                    .replace('\u0000', '_')
                    .toLowerCase(Locale.ROOT);
                into.put(key, e.getValue());
            }
        }
    }

    static void settingsFromArguments(String[] args, Map<String, String> into) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String kv;
            if (arg.equals("-E")) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("-E needs a key=value argument");
                kv = args[++i];
            } else if (arg.startsWith("-E")) {
                kv = arg.substring(2);
            } else if (arg.equals("-q") || arg.equals("--quiet") || arg.equals("-s") || arg.equals("--silent")) {
                continue;
            } else {
                throw new IllegalArgumentException("unsupported argument [" + arg + "]; this image accepts -Ekey=value settings");
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("setting [" + kv + "] must be of the form key=value");
            into.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
    }

    private static void shutdown() {
        ElasticsearchProcess.markStopping();
        Node n = node;
        try {
            if (n != null) {
                n.prepareForClose();
                n.close();
                if (n.awaitClose(10, TimeUnit.SECONDS) == false) {
                    LogManager.getLogger(Elasticsearch.class).warn("node did not close within 10s");
                }
            }
        } catch (Exception e) {
            LogManager.getLogger(Elasticsearch.class).warn("failed to stop node", e);
        } finally {
            flushLogs();
            keepAlive.countDown();
        }
    }

    private static void flushLogs() {
        try {
            Configurator.shutdown((LoggerContext) LogManager.getContext(false));
        } catch (RuntimeException ignored) {
            // nothing more to do
        }
        System.out.flush();
        System.err.flush();
    }

}
