package io.gitfleet.agent;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client that only speaks plain HTTP. The JDK's HttpClient builds the default TLS context
 * even for {@code http://} (it reads the CA store and loads ~800 classes, which an idle agent would keep
 * resident); this one costs nothing and refuses any use, so an {@code https://} URL cannot slip through it.
 */
public final class NoTlsContext extends SSLContext {
    private NoTlsContext() {
        super(new Refusing(), null, "none");
    }

    /**
     * A builder for talking to {@code server}: without TLS for an {@code http://} URL, with the JDK's defaults
     * (or whatever the caller sets after this) otherwise.
     */
    public static HttpClient.Builder builderFor(String server) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (server != null && server.toLowerCase(Locale.ROOT).startsWith("http://")) {
            builder.sslContext(new NoTlsContext()).sslParameters(new SSLParameters());
        }
        return builder;
    }

    private static final class Refusing extends SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("this client speaks plain HTTP only (an http:// URL), not TLS");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
