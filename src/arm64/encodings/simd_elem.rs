//! Advanced SIMD vector and scalar x indexed element: one row per
//! instruction form (suffix `_elem` vector, `_selem` scalar, `_h` half
//! precision, FEAT_FP16). The extension forms by element (dot products,
//! RDM, FHM, FCMLA, BF16) are in [`super::ext`].
//!
//! Fields: Q = 128-bit, s = size, z = sz (single/double), L, M, H = index
//! bits (M is Rm<4> where the index does not use it), m = Rm<3:0>, n = Rn,
//! d = Rd. The element sizes a form allows beyond its pattern are checked
//! by the frontend.

encodings! {
    // Vector integer.
    MUL_elem = "0Q001111ssLMmmmm1000H0nnnnnddddd",
    MLA_elem = "0Q101111ssLMmmmm0000H0nnnnnddddd",
    MLS_elem = "0Q101111ssLMmmmm0100H0nnnnnddddd",
    SQDMULH_elem = "0Q001111ssLMmmmm1100H0nnnnnddddd",
    SQRDMULH_elem = "0Q001111ssLMmmmm1101H0nnnnnddddd",
    SMLAL_elem = "0Q001111ssLMmmmm0010H0nnnnnddddd",
    UMLAL_elem = "0Q101111ssLMmmmm0010H0nnnnnddddd",
    SMLSL_elem = "0Q001111ssLMmmmm0110H0nnnnnddddd",
    UMLSL_elem = "0Q101111ssLMmmmm0110H0nnnnnddddd",
    SMULL_elem = "0Q001111ssLMmmmm1010H0nnnnnddddd",
    UMULL_elem = "0Q101111ssLMmmmm1010H0nnnnnddddd",
    SQDMLAL_elem = "0Q001111ssLMmmmm0011H0nnnnnddddd",
    SQDMLSL_elem = "0Q001111ssLMmmmm0111H0nnnnnddddd",
    SQDMULL_elem = "0Q001111ssLMmmmm1011H0nnnnnddddd",
    // Vector floating point: single and double (size<1> = 1), half.
    FMLA_elem = "0Q0011111zLMmmmm0001H0nnnnnddddd",
    FMLS_elem = "0Q0011111zLMmmmm0101H0nnnnnddddd",
    FMUL_elem = "0Q0011111zLMmmmm1001H0nnnnnddddd",
    FMULX_elem = "0Q1011111zLMmmmm1001H0nnnnnddddd",
    FMLA_elem_h = "0Q00111100LMmmmm0001H0nnnnnddddd",
    FMLS_elem_h = "0Q00111100LMmmmm0101H0nnnnnddddd",
    FMUL_elem_h = "0Q00111100LMmmmm1001H0nnnnnddddd",
    FMULX_elem_h = "0Q10111100LMmmmm1001H0nnnnnddddd",
    // Scalar integer.
    SQDMULH_selem = "01011111ssLMmmmm1100H0nnnnnddddd",
    SQRDMULH_selem = "01011111ssLMmmmm1101H0nnnnnddddd",
    SQDMLAL_selem = "01011111ssLMmmmm0011H0nnnnnddddd",
    SQDMLSL_selem = "01011111ssLMmmmm0111H0nnnnnddddd",
    SQDMULL_selem = "01011111ssLMmmmm1011H0nnnnnddddd",
    // Scalar floating point.
    FMLA_selem = "010111111zLMmmmm0001H0nnnnnddddd",
    FMLS_selem = "010111111zLMmmmm0101H0nnnnnddddd",
    FMUL_selem = "010111111zLMmmmm1001H0nnnnnddddd",
    FMULX_selem = "011111111zLMmmmm1001H0nnnnnddddd",
    FMLA_selem_h = "0101111100LMmmmm0001H0nnnnnddddd",
    FMLS_selem_h = "0101111100LMmmmm0101H0nnnnnddddd",
    FMUL_selem_h = "0101111100LMmmmm1001H0nnnnnddddd",
    FMULX_selem_h = "0111111100LMmmmm1001H0nnnnnddddd",
}
