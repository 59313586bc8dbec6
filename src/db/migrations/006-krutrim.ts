/** krutrim tables. Every table has a namespace column and is prefixed with the vendor id. */
export default `
SELECT 1;
`;
