package io.gitfleet.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** A client for an http:// reconciler carries no real TLS context, and still talks HTTP. */
class NoTlsContextTest {
    @Test
    void anHttpServerGetsAClientWithoutTls() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpClient client = NoTlsContext.builderFor(url).build();
            assertInstanceOf(NoTlsContext.class, client.sslContext());
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(url + "/report"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(204, answer.statusCode());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anHttpsServerKeepsTheDefaultContext() throws Exception {
        HttpClient client = NoTlsContext.builderFor("https://reconciler.example").build();
        assertFalse(client.sslContext() instanceof NoTlsContext);
        assertEquals(SSLContext.getDefault(), client.sslContext());
    }

    @Test
    void theContextRefusesTls() throws Exception {
        SSLContext none = NoTlsContext.builderFor("HTTP://127.0.0.1").build().sslContext();
        IllegalStateException e = assertThrows(IllegalStateException.class, none::createSSLEngine);
        assertEquals("this client speaks plain HTTP only (an http:// URL), not TLS", e.getMessage());
    }
}
