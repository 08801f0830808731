// The largest canvas side this GPU draws at full resolution: MAX_TEXTURE_SIZE, bounded by the renderbuffer
// and viewport limits. Read once from a throwaway WebGL context, which is released at once.
let cached: number | null = null

export function maxCanvasPx(): number {
  if (cached !== null) return cached
  let px = 4096 // MapLibre's own default, if WebGL cannot be asked
  try {
    const canvas = document.createElement('canvas')
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null
    if (gl) {
      const dims = gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array
      px = Math.min(gl.getParameter(gl.MAX_TEXTURE_SIZE) as number, gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number, dims[0], dims[1])
      gl.getExtension('WEBGL_lose_context')?.loseContext()
    }
  } catch {
    /* keep the default */
  }
  return (cached = px)
}
