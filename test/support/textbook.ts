// The textbook cases of the test suite, in one place: the Matrix Cookbook's derivative
// chapter (test/calculus/cookbook.test.ts), the seeds' deep-learning derivations
// (test/calculus/seeds.test.ts) and issue 15's table (test/simplify/compactness.test.ts).
// Each gives f, the variable and the closed form a book prints.

export type CookbookCase = [source: string, f: string, wrt: string, closedForm: string, where?: string];
export type SeedCase = [source: string, f: string, wrt: string, closedForm: string, where: string | undefined];

export const COOKBOOK: CookbookCase[] = [
  ['(49) determinant', 'det(X)', 'X', "det(X)*inv(X)'"],
  ['(51) det(AXB)', 'det(A*X*B)', 'X', "det(A*X*B)*inv(X)'", 'A, B, X: n×n'],
  ['(57) log det', 'logdet(X)', 'X', "inv(X)'"],
  ['(57) log det, spelled log(det(X))', 'log(det(X))', 'X', "inv(X)'"],
  ['(55) log det(XᵀX), X tall', "logdet(X'*X)", 'X', "2*X*inv(X'*X)", 'X: 5×3'],
  ['(61) aᵀX⁻¹b', "a'*inv(X)*b", 'X', "-inv(X)'*a*b'*inv(X)'"],
  ['(63) tr(AX⁻¹B)', 'tr(A*inv(X)*B)', 'X', "-(inv(X)*B*A*inv(X))'"],
  ['(69) aᵀXb', "a'*X*b", 'X', "a*b'"],
  ['(70) aᵀXᵀb', "a'*X'*b", 'X', "b*a'"],
  ['(72) aᵀXa', "a'*X*a", 'X', "a*a'"],
  ['(78) bᵀXᵀXc', "b'*X'*X*c", 'X', "X*(b*c' + c*b')"],
  ['(81) xᵀBx', "x'*B*x", 'x', "(B + B')*x"],
  ['(84) bᵀXᵀDXc', "b'*X'*D*X*c", 'X', "D'*X*b*c' + D*X*c*b'"],
  ['(86) (Xb + c)ᵀD(Xb + c)', "(X*b + c)'*D*(X*b + c)", 'X', "(D + D')*(X*b + c)*b'"],
  ['(88) (Ax + b)ᵀC(Dx + e)', "(A*x + b)'*C*(D*x + e)", 'x', "A'*C*(D*x + e) + D'*C'*(A*x + b)"],
  ['(100) tr(X)', 'tr(X)', 'X', 'I'],
  ['(101) tr(XA)', 'tr(X*A)', 'X', "A'"],
  ['(102) tr(AXB)', 'tr(A*X*B)', 'X', "A'*B'"],
  ['(103) tr(AXᵀB)', "tr(A*X'*B)", 'X', 'B*A'],
  ['(104) tr(XᵀA)', "tr(X'*A)", 'X', 'A'],
  ['(107) tr(X²)', 'tr(X^2)', 'X', "2*X'"],
  ['(108) tr(X²B)', 'tr(X^2*B)', 'X', "(X*B + B*X)'"],
  ['(110) tr(XᵀBX)', "tr(X'*B*X)", 'X', "B*X + B'*X"],
  ['(113) tr(XXᵀ)', "tr(X*X')", 'X', '2*X'],
  ['(116) tr(AXBX)', 'tr(A*X*B*X)', 'X', "A'*X'*B' + B'*X'*A'"],
  ['(117) tr(XᵀX)', "tr(X'*X)", 'X', '2*X'],
  ['(118) tr(BᵀXᵀCXB)', "tr(B'*X'*C*X*B)", 'X', "C'*X*B*B' + C*X*B*B'"],
  ['(121) tr(X³)', 'tr(X^3)', 'X', "3*(X^2)'"],
  ['(129) ‖x − a‖₂', 'norm(x - a)', 'x', '(x - a)/norm(x - a)'],
  ['(131) ‖X‖_F²', 'norm(X)^2', 'X', '2*X'],
  ['(124) tr of the inverse of a product', 'tr(inv(A*X))', 'X', "-(inv(A*X)*inv(X))'", 'A, X: n×n'],
  ['(§10.2.1) tr(A ⊗ X) = tr(A)tr(X)', 'tr(A ⊗ X)', 'X', 'tr(A)*I'],
  ['(§10.2.1) mixed product, tr((A ⊗ B)(X ⊗ C))', 'tr((A ⊗ B)*(X ⊗ C))', 'X', "tr(B*C)*A'"],
  ['‖A ⊗ X‖²', 'norm(kron(A, X))^2', 'X', '2*norm(A)^2*X'],
  ['scalar variable: tr(αA)', 'tr(alpha*A)', 'alpha', 'tr(A)'],
  ['Hadamard: sum(A ∘ X)', 'sum(A .* X)', 'X', 'A'],
  ['elementwise: sum(exp(X))', 'sum(exp(X))', 'X', 'exp(X)'],
  ['softmax: yᵀ log softmax(x)', "y'*log(softmax(x))", 'x', "y - ones'*y*softmax(x)"],
  ['logsumexp', 'logsumexp(x)', 'x', 'softmax(x)'],
  ['diag: sum(diag(X))', 'sum(diag(X))', 'X', 'I'],
  ['diag of a vector: tr(A diag(x))', 'tr(A*diag(x))', 'x', 'diag(A)'],
  ['division: xᵀx / (xᵀAx)', "x'*x/(x'*A*x)", 'x', "2*x/(x'*A*x) - (x'*x)*(A + A')*x/(x'*A*x)^2"],
  ['power: (xᵀx)^(1/2)', "(x'x)^(1/2)", 'x', 'x/norm(x)'],
  ['norm1', 'norm1(x)', 'x', 'sign(x)'],
  // Exponents that are expressions: ∂(x.^θ)/∂θ = log(x) ∘ x.^θ; ∂aˣ/∂x = log(a)·aˣ.
  ['power wrt its exponent: sum(x.^θ)', 'sum(x.^θ)', 'θ', 'sum(log(x) .* x.^θ)'],
  ['a^x wrt x', 'a^x', 'x', 'log(a)*a^x'],
  ['a^x wrt a', 'a^x', 'a', 'x*a^(x - 1)'],
  ['x.^θ wrt x, θ symbolic', "sum(x.^θ)", 'x', 'θ*x.^(θ - 1)'],
];

const MLP = "norm(W2*tanh(z) + b2 - y)^2 where z = W1*x + b1";
const RELU_NET = "-y'*log(softmax(r)) where r = U*h + b2, h = relu(z), z = W*x + b1";

export const SEEDS: SeedCase[] = [
  ['000 §linear regression, ∂L/∂w', "1/2*(y - X*w - b)'*(y - X*w - b)", 'w', "-X'*(y - X*w - b)", undefined],
  ['000 §linear regression, ∂L/∂b', "1/2*(y - X*w - b)'*(y - X*w - b)", 'b', '-(y - X*w - b)', undefined],
  ['000 §logistic regression, ∂L/∂w', "-(y'*log(sigmoid(X*w + b)) + (1 - y)'*log(1 - sigmoid(X*w + b)))", 'w', "-X'*(y - sigmoid(X*w + b))", undefined],
  ['000 §logistic regression, ∂L/∂b', "-(y'*log(sigmoid(X*w + b)) + (1 - y)'*log(1 - sigmoid(X*w + b)))", 'b', '-(y - sigmoid(X*w + b))', undefined],
  ['001 例1: z = Wx, ∂(δᵀz)/∂W = δxᵀ', "delta'*W*x", 'W', "delta*x'", 'delta: m; W: m×n'],
  ['001 例5: softmax cross-entropy, ∂J/∂U (one-hot y gives (ŷ − y)hᵀ)', "-y'*log(softmax(U*h + b2))", 'U', "(ones'*y*softmax(U*h + b2) - y)*h'", undefined],
  ['001 例5: ∂J/∂b2', "-y'*log(softmax(U*h + b2))", 'b2', "ones'*y*softmax(U*h + b2) - y", undefined],
  ['001 例5: ReLU network, ∂J/∂W', RELU_NET, 'W', "((U'*(ones'*y*softmax(U*relu(W*x + b1) + b2) - y)) ∘ step(W*x + b1))*x'", undefined],
  ['001 例5: ReLU network, ∂J/∂b1', RELU_NET, 'b1', "(U'*(ones'*y*softmax(U*relu(W*x + b1) + b2) - y)) ∘ step(W*x + b1)", undefined],
  ['2-layer MLP (tanh), ∂L/∂W2', MLP, 'W2', "2*(W2*tanh(W1*x + b1) + b2 - y)*tanh(W1*x + b1)'", undefined],
  ['2-layer MLP (tanh), ∂L/∂b2', MLP, 'b2', '2*(W2*tanh(W1*x + b1) + b2 - y)', undefined],
  ['2-layer MLP (tanh), ∂L/∂W1', MLP, 'W1', "((2*W2'*(W2*tanh(W1*x + b1) + b2 - y)) ∘ (1 - tanh(W1*x + b1).^2))*x'", undefined],
  ['2-layer MLP (tanh), ∂L/∂b1', MLP, 'b1', "(2*W2'*(W2*tanh(W1*x + b1) + b2 - y)) ∘ (1 - tanh(W1*x + b1).^2)", undefined],
  ['2-layer MLP (tanh), ∂L/∂x', MLP, 'x', "W1'*((2*W2'*(W2*tanh(W1*x + b1) + b2 - y)) ∘ (1 - tanh(W1*x + b1).^2))", undefined],
  ['004 §4 neuron activation, ∂relu(wᵀx + b)/∂w', "relu(w'*x + beta)", 'w', "step(w'*x + beta)*x", undefined],
  ['004 §5 loss of a neuron layer, ∂/∂w', 'sum((y - relu(X*w + b)).^2)', 'w', "-2*X'*((y - relu(X*w + b)) ∘ step(X*w + b))", undefined],
];
