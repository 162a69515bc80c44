/**
 * Which Phaser renderer the page uses. WebGL when the GPU draws it; the
 * canvas renderer when WebGL is only emulated in software (a machine without
 * GPU acceleration, a VM, headless Chromium): Chromium's software WebGL
 * manages ~10 fps on this full-HD scene where its 2D canvas holds 60.
 * `?renderer=webgl|canvas` overrides the choice.
 */
import * as Phaser from 'phaser';

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export function chooseRenderer(requested: string | null): number {
  if (requested === 'webgl') return Phaser.WEBGL;
  if (requested === 'canvas') return Phaser.CANVAS;
  const gl = webglRendererName();
  return gl === undefined || SOFTWARE_GL.test(gl) ? Phaser.CANVAS : Phaser.WEBGL;
}

/** The GPU's name as WebGL reports it, or undefined without WebGL. */
function webglRendererName(): string | undefined {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (gl === null) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}
