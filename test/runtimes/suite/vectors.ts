/**
 * External vectors for the conformance suite, imported as JSON so that the bundler inlines them: browsers and
 * workerd have no file system. Source files live in ../shared/vectors (see its README for provenance).
 */
export { default as rfc4648 } from '../../../../shared/vectors/rfc/rfc4648-encoding.json';
