<?php
/**
 * The Patchbay Availability block, rendered on the server (block.json "render").
 *
 * WordPress passes $attributes (block.json's attributes), $content and $block.
 *
 * @package PatchbayAvailability
 */

defined( 'ABSPATH' ) || exit;

$patchbay_av_block_atts = array();
foreach ( patchbay_av_default_attributes() as $patchbay_av_name => $patchbay_av_default ) {
	$patchbay_av_value                           = isset( $attributes[ $patchbay_av_name ] ) ? $attributes[ $patchbay_av_name ] : $patchbay_av_default;
	$patchbay_av_block_atts[ $patchbay_av_name ] = is_scalar( $patchbay_av_value ) ? (string) $patchbay_av_value : $patchbay_av_default;
}
?>
<div <?php echo get_block_wrapper_attributes(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- WordPress escapes the wrapper's attributes. ?>>
	<?php echo patchbay_av_render( $patchbay_av_block_atts ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- patchbay_av_render() escapes every value it prints. ?>
</div>
