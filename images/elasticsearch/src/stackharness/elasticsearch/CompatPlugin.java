package stackharness.elasticsearch;

import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the distribution's modules would otherwise provide and the look-alike needs:
 * the root endpoint (GET / and HEAD /, the rest-root module since 8.9) and acceptance of
 * xpack.* settings (the x-pack modules), which are recorded but have no effect.
 */
public class CompatPlugin extends Plugin implements ActionPlugin {

    /** Accepts any xpack.* node setting (for example xpack.security.enabled=false); none is acted upon. */
    static final Setting.AffixSetting<String> XPACK_SETTINGS = Setting.prefixKeySetting(
        "xpack.",
        key -> Setting.simpleString(key, Setting.Property.NodeScope)
    );

    private volatile ClusterService clusterService;

    @Override
    public List<Setting<?>> getSettings() {
        return List.of(XPACK_SETTINGS);
    }

    @Override
    public Collection<?> createComponents(PluginServices services) {
        this.clusterService = services.clusterService();
        return List.of();
    }

    @Override
    public Collection<RestHandler> getRestHandlers(
        Settings settings,
        NamedWriteableRegistry namedWriteableRegistry,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        return List.of(new RootHandler());
    }

    final class RootHandler extends BaseRestHandler {
        @Override
        public String getName() {
            return "lookalike_main_action";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        public boolean canTripCircuitBreaker() {
            return false;
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            final boolean head = request.method() == RestRequest.Method.HEAD;
            return channel -> {
                ClusterState state = clusterService.state();
                Build build = Build.current();
                XContentBuilder b = channel.newBuilder();
                if (request.hasParam("pretty") == false) {
                    b.prettyPrint().lfAtEnd(); // as upstream: pretty unless ?pretty=false
                }
                b.startObject();
                b.field("name", clusterService.localNode().getName());
                b.field("cluster_name", state.getClusterName().value());
                b.field("cluster_uuid", state.metadata().clusterUUID());
                b.startObject("version");
                b.field("number", build.qualifiedVersion());
                b.field("build_flavor", build.flavor());
                b.field("build_type", build.type().displayName());
                b.field("build_hash", build.hash());
                b.field("build_date", build.date());
                b.field("build_snapshot", build.isSnapshot());
                b.field("lucene_version", IndexVersion.current().luceneVersion().toString());
                b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
                b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
                b.endObject();
                b.field("tagline", "You Know, for Search");
                b.endObject();
                if (head) {
                    channel.sendResponse(new RestResponse(RestStatus.OK, b.getResponseContentTypeString(), BytesArray.EMPTY));
                    b.close();
                } else {
                    channel.sendResponse(new RestResponse(RestStatus.OK, b));
                }
            };
        }
    }
}
